"""The instance refresh state machine, without moto: batches, warmup, checkpoints, bake, rollback.

This is how an Amazon EC2 Auto Scaling instance refresh (strategy Rolling) moves, as the Auto
Scaling user guide describes it ("How an instance refresh works", "Add checkpoints", "Undo changes
with a manual or auto rollback", "Cancel an instance refresh"):

- **Pending**, then **InProgress** a moment (`START_DELAY`) after the request.
- Instances are replaced in batches that keep at least `MinHealthyPercentage` of the desired
  capacity (rounded up) in service and healthy. With `MaxHealthyPercentage` of 100 (the default)
  a batch is terminated and its replacements launched together; above 100, replacements are
  launched first, up to that share of the desired capacity, and old instances are terminated
  once the new ones count. If nothing is in flight (no replacement still warming up or not yet
  healthy) and the minimum leaves no room (e.g. 100 %) while every instance serves, one instance
  is replaced at a time, as AWS documents for a minimum of 100 %. Instances that do not count
  are replaced first; the floor holds in a rollback too.
- A new instance counts as in service only after `InstanceWarmup` seconds and while it is
  healthy (the group's health check: EC2, or the load balancer's for `HealthCheckType` ELB).
- `CheckpointPercentages`: launches are paced so as not to pass the next checkpoint; when that
  share of instances is new and warmed up the refresh pauses for `CheckpointDelay` seconds
  (status stays InProgress). A last checkpoint below 100 ends the refresh there.
- `BakeTime`: after the last replacement, status **Baking** for that long, then **Successful**;
  only then does the group take the desired configuration.
- Alarms in `AlarmSpecification` in ALARM fail the refresh (**Failed**) or, with `AutoRollback`,
  start a rollback. A rollback (**RollbackInProgress** → **RollbackSuccessful**) replaces every
  instance not on the previous configuration, with the same batching rules.
- Cancel: **Cancelling** until in-flight launches have warmed up (unless
  `WaitForTransitioningInstances` is false), then **Cancelled**; replaced instances stay.
- Scale-in-protected and Standby instances follow `ScaleInProtectedInstances` /
  `StandbyInstances`: Refresh/Terminate, Ignore, or Wait (the default) up to one hour, then fail.

Everything is computed from event times, so progress depends on the world's clock only. The
records it moves are in `refresh_records`; the moto-facing side (`refresh_port`) supplies a
`GroupPort`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from tui.rehearsal.fidelity.autoscaling.refresh_records import (
    GroupPort,
    Member,
    Phase,
    Preferences,
    Refresh,
    Rollback,
)

START_DELAY = timedelta(seconds=1)
# Waiting on something the machine cannot predict (health checks, protection being removed):
# look again this often, in world time.
POLL = timedelta(seconds=5)
WAIT_LIMIT = timedelta(hours=1)
_MAX_STEPS = 100_000


def plan(
    refresh_id: str,
    group_name: str,
    members: list[Member],
    preferences: Preferences,
    desired: str,
    previous: str,
    desired_given: bool,
    rollback_allowed: bool,
    now: datetime,
) -> Refresh:
    """A new refresh: which instances it will replace, skip or ignore, decided at its start."""
    scope: set[str] = set()
    standby_to_terminate = []
    for member in members:
        if preferences.skip_matching and member.config == desired:
            continue
        if member.protected and preferences.scale_in_protected == "Ignore":
            continue
        if member.standby:
            if preferences.standby == "Ignore":
                continue
            if preferences.standby == "Terminate":
                standby_to_terminate.append(member.instance_id)
                continue
        scope.add(member.instance_id)
    return Refresh(
        refresh_id=refresh_id,
        group_name=group_name,
        preferences=preferences,
        desired=desired,
        previous=previous,
        desired_given=desired_given,
        rollback_allowed=rollback_allowed,
        start_time=now,
        forward=Phase(desired, scope, len(scope)),
        standby_to_terminate=standby_to_terminate,
        cursor=now,
    )


def advance(refresh: Refresh, port: GroupPort, now: datetime, alarms: bool = True) -> None:
    """Carry out everything that happens to `refresh` up to `now`, each at its own time; then,
    if `alarms`, look at its alarms (not when `now` is a past moment being replayed: the alarms'
    state is today's)."""
    for _ in range(_MAX_STEPS):
        if not refresh.active or refresh.cursor is None or refresh.cursor > now:
            break
        refresh.cursor = _step(refresh, port, refresh.cursor)
    if not alarms:
        return
    if refresh.status in ("Pending", "InProgress", "Baking") and refresh.preferences.alarms:
        # The alarm is seen when the world looks, never before: AWS reacts to the state change.
        firing = port.alarms_in_alarm(refresh.preferences.alarms)
        if firing:
            reason = f"CloudWatch alarm(s) in ALARM state: {', '.join(sorted(firing))}."
            fail(refresh, port, now, reason)


def fail(refresh: Refresh, port: GroupPort, at: datetime, reason: str) -> None:
    """The refresh failed: roll back if AutoRollback allows, else end Failed."""
    if refresh.preferences.auto_rollback and refresh.rollback_allowed:
        start_rollback(refresh, port, at, f"Auto rollback: {reason}")
        return
    refresh.status = "Failed"
    refresh.status_reason = reason
    refresh.end_time = at


def cancel(refresh: Refresh, port: GroupPort, at: datetime, wait: bool = True) -> None:
    """CancelInstanceRefresh: stop replacing; finish in-flight launches first if `wait`."""
    refresh.status = "Cancelling"
    refresh.status_reason = "Cancellation requested by user."
    done = at + START_DELAY
    if wait:
        warmup = timedelta(seconds=refresh.preferences.warmup)
        for member in port.members(at):
            if member.instance_id in refresh.launched:
                done = max(done, member.launched_at + warmup)
    refresh.cancel_at = done
    refresh.cursor = at


def start_rollback(refresh: Refresh, port: GroupPort, at: datetime, reason: str) -> None:
    """Replace every instance not on the previous configuration (Rollback{InProgress,...})."""
    scope = {
        m.instance_id for m in port.members(at) if m.config != refresh.previous and not m.standby
    }
    forward = refresh.forward
    refresh.rollback = Rollback(
        reason, at, Phase(refresh.previous, scope, len(scope)), forward.percentage,
        forward.to_update,
    )  # fmt: skip
    refresh.status = "RollbackInProgress"
    refresh.status_reason = reason
    refresh.checkpoint_until = None
    refresh.bake_until = None
    refresh.cursor = at


def _step(refresh: Refresh, port: GroupPort, t: datetime) -> datetime | None:
    """Do what happens at `t`; return when something may happen next."""
    if refresh.status == "Pending":
        if t < refresh.start_time + START_DELAY:
            return refresh.start_time + START_DELAY
        refresh.status = "InProgress"
        if refresh.standby_to_terminate:
            present = {m.instance_id for m in port.members(t)}
            port.terminate([i for i in refresh.standby_to_terminate if i in present], t)
    if refresh.status == "Cancelling":
        assert refresh.cancel_at is not None
        if t < refresh.cancel_at:
            return refresh.cancel_at
        refresh.status = "Cancelled"
        refresh.end_time = t
        return None
    if refresh.status == "Baking":
        assert refresh.bake_until is not None
        if t < refresh.bake_until:
            return refresh.bake_until
        _succeed(refresh, port, t)
        return None
    if refresh.status == "RollbackInProgress":
        assert refresh.rollback is not None
        phase = refresh.rollback.phase
        outcome = _work(phase, refresh, port, t, phase.total)
        # AWS: PercentageComplete "does not include instances that are replaced during a
        # rollback" and "gradually goes back down to zero": a new instance the rollback has
        # taken out no longer counts for the refresh.
        present = {m.instance_id for m in port.members(t)}
        forward = refresh.forward
        forward.ready = min(forward.ready, len(forward.launched & present))
        if outcome == "done":
            refresh.status = "RollbackSuccessful"
            refresh.end_time = t
            return None
        if isinstance(outcome, str):
            refresh.status = "RollbackFailed"
            refresh.status_reason = outcome
            refresh.end_time = t
            return None
        return outcome
    return _forward(refresh, port, t)


def _forward(refresh: Refresh, port: GroupPort, t: datetime) -> datetime | None:
    prefs = refresh.preferences
    phase = refresh.forward
    if refresh.checkpoint_until is not None:
        if t < refresh.checkpoint_until:
            return refresh.checkpoint_until
        refresh.checkpoint_until = None
        refresh.status_reason = None
        if refresh.checkpoint_index >= len(prefs.checkpoints):
            return _finish_replacing(refresh, port, t)  # a last checkpoint below 100
    pending = [p for p in prefs.checkpoints[refresh.checkpoint_index :] if p < 100]
    cap = math.ceil(phase.total * pending[0] / 100) if pending else phase.total
    outcome = _work(phase, refresh, port, t, cap)
    if isinstance(outcome, str) and outcome != "done":
        fail(refresh, port, t, outcome)
        return refresh.cursor if refresh.status == "RollbackInProgress" else None
    if pending and cap < phase.total and phase.ready >= cap:
        refresh.checkpoint_index = prefs.checkpoints.index(pending[0]) + 1
        refresh.checkpoint_until = t + timedelta(seconds=prefs.checkpoint_delay)
        refresh.status_reason = (
            f"Checkpoint {pending[0]}% reached: waiting {prefs.checkpoint_delay} seconds "
            "before continuing."
        )
        return refresh.checkpoint_until
    if outcome == "done":
        return _finish_replacing(refresh, port, t)
    return outcome  # type: ignore[return-value]


def _finish_replacing(refresh: Refresh, port: GroupPort, t: datetime) -> datetime | None:
    if refresh.preferences.bake_time > 0:
        refresh.status = "Baking"
        refresh.bake_until = t + timedelta(seconds=refresh.preferences.bake_time)
        return refresh.bake_until
    _succeed(refresh, port, t)
    return None


def _succeed(refresh: Refresh, port: GroupPort, t: datetime) -> None:
    if refresh.desired_given:
        port.apply(refresh.desired)
    refresh.status = "Successful"
    refresh.status_reason = None
    refresh.end_time = t


def _work(
    phase: Phase, refresh: Refresh, port: GroupPort, t: datetime, launch_cap: int
) -> datetime | str | None:
    """Replace what the rules allow at `t`. Returns the next time to look, "done", or a failure."""
    prefs = refresh.preferences
    warmup = timedelta(seconds=prefs.warmup)
    launched_by_refresh = refresh.launched

    def warmed(member: Member) -> bool:
        return member.instance_id not in launched_by_refresh or t >= member.launched_at + warmup

    def counts(member: Member) -> bool:
        return member.in_service and not member.standby and member.healthy and warmed(member)

    members = {m.instance_id: m for m in port.members(t)}
    new = [members[i] for i in sorted(phase.launched) if i in members]
    warming = [m for m in new if not warmed(m)]
    old = [m for m in members.values() if m.instance_id in phase.scope]
    blocked = [
        m
        for m in old
        if (m.standby and prefs.standby == "Wait")
        or (m.protected and prefs.scale_in_protected == "Wait")
    ]
    # Instances that do not count (unhealthy, or a replacement still warming up) go first:
    # replacing them costs the healthy floor nothing. The floor is kept whatever the phase: AWS
    # keeps MinHealthyPercentage "to allow the operation to continue", a rollback included.
    replaceable = sorted((m for m in old if m not in blocked), key=counts)
    idle = sum(1 for m in replaceable if not counts(m))
    in_service = sum(1 for m in members.values() if counts(m))
    serving = sum(1 for m in members.values() if m.in_service and not m.standby)
    desired = port.desired_capacity()
    minimum = math.ceil(desired * prefs.min_healthy / 100)
    budget = max(0, launch_cap - len(phase.launched))

    if prefs.max_healthy > 100:  # launch before terminating
        ceiling = max(desired + 1, math.floor(desired * prefs.max_healthy / 100))
        out = max(0, min(len(replaceable), in_service - minimum, serving - desired))
        serving -= out
        remaining = len(old) - out
        into = max(0, min(ceiling - serving, remaining - (serving - desired), budget))
    else:  # terminate, and launch the replacements together
        allowance = max(0, in_service - minimum)
        # In flight: a replacement that does not count yet, warming up or not yet passing its
        # health check (a load balancer's can outlast the warmup).
        in_flight = [m for m in new if not counts(m)]
        if allowance == 0 and not in_flight and in_service >= desired:
            # AWS: a minimum of 100 % replaces one instance at a time. Only then: a group
            # already below its minimum (instances unhealthy) waits rather than dropping lower.
            allowance = 1
        out = max(0, min(len(replaceable), idle + allowance, budget))
        into = out
    if out:
        port.terminate([m.instance_id for m in replaceable[:out]], t)
        phase.scope -= {m.instance_id for m in replaceable[:out]}
    if into:
        phase.launched |= set(port.launch(phase.target, into, t))
    if out or into:
        phase.wait_since = None

    members = {m.instance_id: m for m in port.members(t)}
    new = [members[i] for i in sorted(phase.launched) if i in members]
    phase.ready = sum(1 for m in new if counts(m))
    warming = [m for m in new if not warmed(m)]
    old_left = [i for i in phase.scope if i in members]
    if not old_left and not warming and all(counts(m) for m in new):
        return "done"

    wakeups = [m.launched_at + warmup for m in warming]
    if any(not counts(m) for m in new if warmed(m)) or (old_left and not (out or into)):
        wakeups.append(t + POLL)
    if blocked and not (out or into) and not warming:
        phase.wait_since = phase.wait_since or t
        if t >= phase.wait_since + WAIT_LIMIT:
            return (
                "Instance refresh could not replace instances that are protected from scale in "
                "or in Standby within one hour."
            )
        wakeups.append(phase.wait_since + WAIT_LIMIT)
    return min(wakeups) if wakeups else t + POLL
