"""Target health that moves: `initial`, `healthy`, `unhealthy` when the world says so, `draining`.

moto 5.2.5 reports every registered target `healthy` from the instant it is registered, keeps a
terminated instance `draining` forever, and never deregisters an Auto Scaling group's instances
when it scales in or replaces them. AWS instead (Elastic Load Balancing user guide, "Target
health status" and "Deregistration delay"):

- a newly registered target is `initial` (reason `Elb.RegistrationInProgress`, then
  `Elb.InitialHealthChecking`) until it has passed `HealthyThresholdCount` consecutive checks,
  one every `HealthCheckIntervalSeconds`;
- a target that fails `UnhealthyThresholdCount` consecutive checks becomes `unhealthy`, and one
  that passes `HealthyThresholdCount` again becomes `healthy`;
- a deregistered target (by `deregister_targets`, by terminating its instance, or by its Auto
  Scaling group scaling in or replacing it) is `draining` (`Target.DeregistrationInProgress`) for
  the group's `deregistration_delay.timeout_seconds`, listed by `describe_target_health`, then
  gone; asked about by id afterwards it is `unused` / `Target.NotRegistered`;
- an Auto Scaling group attached to a target group registers each instance that enters service
  and deregisters each one that leaves.

Time is the world's clock (`WorldTime.event_now()`); health is computed from when things
happened, so it does not depend on how often anyone asks.

World knobs, each given the world's `WorldTime` first: `set_unhealthy(time, instance_id, reason,
description)` makes the instance fail its health checks from now on; `set_healthy(time,
instance_id)` makes it pass again. `state_of(time, instance_id)` and `instance_is_healthy(time,
instance_id, target_group_arns)` read the result the way the load balancer sees it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.autoscaling import models as asg_models
from moto.elbv2 import models as elbv2_models
from moto.elbv2.exceptions import InvalidTargetError, TargetGroupNotFoundError

from tui.rehearsal.fidelity import patching, world_backends
from tui.rehearsal.fidelity.world_time import WorldTime

REGISTRATION_IN_PROGRESS = ("Elb.RegistrationInProgress", "Target registration is in progress")
INITIAL_HEALTH_CHECKING = ("Elb.InitialHealthChecking", "Initial health checks in progress")
DRAINING = ("Target.DeregistrationInProgress", "Target deregistration is in progress")
DEFAULT_FAILURE = ("Target.FailedHealthChecks", "Health checks failed")


@dataclass(frozen=True)
class Verdict:
    """From `at` on, the instance passes (or fails, with a reason) its health checks."""

    at: datetime
    passing: bool
    reason: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Health:
    """A target's health as `describe_target_health` reports it."""

    state: str
    reason: str | None = None
    description: str | None = None


def install(time: WorldTime) -> None:
    """Patch moto's target groups and the Auto Scaling ↔ target group wiring."""
    tg = elbv2_models.FakeTargetGroup
    patching.wrap(tg, "register", functools.partial(_stamping_registration, time))
    patching.patch(tg, "deregister", time.bound(_deregister))
    patching.patch(
        tg, "deregister_terminated_instances", time.bound(_deregister_terminated_instances)
    )
    patching.wrap(tg, "health_for", functools.partial(_health_for, time))
    patching.patch(
        elbv2_models.ELBv2Backend, "describe_target_health", time.bound(_describe_target_health)
    )
    asg = asg_models.AutoScalingBackend
    patching.patch(asg, "update_attached_target_groups", _update_attached_target_groups)
    patching.wrap(asg, "notify_terminate_instances", _registering_replacements)


def _stamping_registration(time: WorldTime, original: Any) -> Any:
    def register(self: Any, targets: list[dict[str, Any]]) -> None:
        fresh = [t["Id"] for t in targets if t["Id"] not in self.targets]
        original(self, targets)
        for target_id in fresh:
            _registered_at(self)[target_id] = time.event_now()
            _draining(self).pop(target_id, None)

    return register


def _deregister(time: WorldTime, self: Any, targets: list[dict[str, Any]]) -> None:
    for target in targets:
        entry = self.targets.pop(target["Id"], None)
        if entry is None:
            raise InvalidTargetError()
        _start_draining(time, self, entry)


def _deregister_terminated_instances(time: WorldTime, self: Any, instance_ids: list[str]) -> None:
    for target_id in list(self.targets):
        if target_id in instance_ids:
            _start_draining(time, self, self.targets.pop(target_id))


def _health_for(time: WorldTime, original: Any) -> Any:
    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        _expire_drains(self, time.event_now())
        entry = self.targets.get(target["Id"])
        if entry is not None:
            health = _registered_health(self, entry["Id"], time.event_now())
            if health is not None:
                return elbv2_models.FakeHealthStatus(
                    entry["Id"],
                    entry["Port"],
                    self.health_check_port,
                    health.state,
                    health.reason,
                    health.description,
                )
        elif target["Id"] in _draining(self):
            entry, _since = _draining(self)[target["Id"]]
            return elbv2_models.FakeHealthStatus(
                entry["Id"], entry["Port"], self.health_check_port, "draining", *DRAINING
            )
        return original(self, target, ec2_backend)

    return health_for


def _describe_target_health(
    time: WorldTime, self: Any, target_group_arn: str, targets: list[dict[str, Any]]
) -> list[Any]:
    group = self.target_groups.get(target_group_arn)
    if group is None:
        raise TargetGroupNotFoundError()
    _expire_drains(group, time.event_now())
    if not targets:
        # AWS lists draining targets alongside registered ones until their delay is over.
        targets = list(group.targets.values()) + [
            entry for entry, _since in _draining(group).values()
        ]
    return [group.health_for(target, self.ec2_backend) for target in targets]


def _registering_replacements(original: Any) -> Any:
    def notify_terminate_instances(self: Any, instance_ids: list[str]) -> None:
        # moto replaces an ASG instance terminated through EC2 but never registers the
        # replacement with the group's target groups.
        original(self, instance_ids)
        for name in list(self.autoscaling_groups):
            self.update_attached_target_groups(name)

    return notify_terminate_instances


def tick(time: WorldTime, now: datetime) -> None:
    """Forget targets whose deregistration delay is over."""
    for backend in world_backends.each(elbv2_models.elbv2_backends):
        for group in list(backend.target_groups.values()):
            _expire_drains(group, now)


# ---- world knobs ---------------------------------------------------------------------------


def set_unhealthy(
    time: WorldTime,
    instance_id: str,
    reason: str = DEFAULT_FAILURE[0],
    description: str = DEFAULT_FAILURE[1],
) -> None:
    """From now on the instance fails its health checks (e.g. reason `Target.ResponseCodeMismatch`).

    It turns `unhealthy` in each target group after that group's `UnhealthyThresholdCount`
    intervals, as on AWS.
    """
    with time.lock:
        _add_verdict(instance_id, Verdict(time.event_now(), False, reason, description))


def set_healthy(time: WorldTime, instance_id: str) -> None:
    """From now on the instance passes its health checks again (healthy after the threshold)."""
    with time.lock:
        _add_verdict(instance_id, Verdict(time.event_now(), True))


def state_of(time: WorldTime, instance_id: str) -> dict[str, Health]:
    """The instance's health in every target group that lists it, by target group ARN."""
    now = time.event_now()
    found: dict[str, Health] = {}
    for backend in world_backends.each(elbv2_models.elbv2_backends):
        for group in list(backend.target_groups.values()):
            _expire_drains(group, now)
            if instance_id in group.targets:
                health = _registered_health(group, instance_id, now)
                found[group.arn] = health or Health("healthy")
            elif instance_id in _draining(group):
                found[group.arn] = Health("draining", *DRAINING)
    return found


def instance_is_healthy(time: WorldTime, instance_id: str, target_group_arns: list[str]) -> bool:
    """Whether every one of these target groups reports the instance `healthy`."""
    states = state_of(time, instance_id)
    return all(states.get(arn, Health("unused")).state == "healthy" for arn in target_group_arns)


# ---- the health model ----------------------------------------------------------------------


def health_at(
    registered_at: datetime,
    verdicts: list[Verdict],
    now: datetime,
    interval: float,
    healthy_threshold: int,
    unhealthy_threshold: int,
) -> Health:
    """The health of a target registered at `registered_at`, at `now` (pure).

    Checks run every `interval` seconds from registration; the state changes only after
    `healthy_threshold` consecutive passes or `unhealthy_threshold` consecutive failures, and a
    change of verdict restarts the count.
    """
    to_healthy = timedelta(seconds=interval * healthy_threshold)
    to_unhealthy = timedelta(seconds=interval * unhealthy_threshold)
    # The verdict in force at registration, then each later change, up to now.
    segments: list[Verdict] = []
    current = Verdict(registered_at, True)
    for verdict in verdicts:
        if verdict.at <= registered_at:
            current = Verdict(registered_at, verdict.passing, verdict.reason, verdict.description)
        elif verdict.at <= now:
            segments.append(verdict)
    segments.insert(0, current)
    state = Health("initial")
    for index, segment in enumerate(segments):
        end = segments[index + 1].at if index + 1 < len(segments) else now
        if segment.passing and state.state != "healthy" and end - segment.at >= to_healthy:
            state = Health("healthy")
        elif (
            not segment.passing and state.state != "unhealthy" and end - segment.at >= to_unhealthy
        ):
            state = Health(
                "unhealthy",
                segment.reason or DEFAULT_FAILURE[0],
                segment.description or DEFAULT_FAILURE[1],
            )
    if state.state == "initial":
        first_check = registered_at + timedelta(seconds=interval)
        reason = REGISTRATION_IN_PROGRESS if now < first_check else INITIAL_HEALTH_CHECKING
        return Health("initial", *reason)
    return state


def _registered_health(group: Any, target_id: str, now: datetime) -> Health | None:
    """Health of a registered instance target, or None to let moto answer (stopped, not ours)."""
    instance = world_backends.find_instance(target_id) if target_id.startswith("i-") else None
    if instance is not None and instance.state != "running":
        return None
    registered_at = _registered_at(group).get(target_id)
    if registered_at is None:
        return None
    if not group.health_check_enabled:
        return Health("unused", "Target.HealthCheckDisabled", "Health checks are disabled")
    return health_at(
        registered_at,
        list(getattr(instance, "turnout_health", [])),
        now,
        float(group.health_check_interval_seconds),
        int(group.healthy_threshold_count),
        int(group.unhealthy_threshold_count),
    )


def _add_verdict(instance_id: str, verdict: Verdict) -> None:
    instance = world_backends.find_instance(instance_id)
    if instance is None:
        raise KeyError(f"no instance {instance_id} in the rehearsal world")
    if not hasattr(instance, "turnout_health"):
        instance.turnout_health = []
    instance.turnout_health.append(verdict)


def _registered_at(group: Any) -> dict[str, datetime]:
    return group.__dict__.setdefault("turnout_registered_at", {})


def _draining(group: Any) -> dict[str, tuple[dict[str, Any], datetime]]:
    return group.__dict__.setdefault("turnout_draining", {})


def _start_draining(time: WorldTime, group: Any, entry: dict[str, Any]) -> None:
    _registered_at(group).pop(entry["Id"], None)
    group.deregistered_targets[entry["Id"]] = entry
    _draining(group)[entry["Id"]] = (entry, time.event_now())
    _expire_drains(group, time.event_now())  # a delay of 0 means gone at once


def _expire_drains(group: Any, now: datetime) -> None:
    seconds = group.attributes.get("deregistration_delay.timeout_seconds", 300)
    delay = timedelta(seconds=int(seconds))
    draining = _draining(group)
    for target_id, (_entry, since) in list(draining.items()):
        if now >= since + delay:
            del draining[target_id]


def _update_attached_target_groups(self: Any, group_name: str) -> None:
    """Register the group's InService instances with its target groups, deregister leavers."""
    group = self.autoscaling_groups[group_name]
    in_service = {s.instance.id for s in group.instance_states if s.lifecycle_state == "InService"}
    members: dict[str, set[str]] = group.__dict__.setdefault("turnout_tg_members", {})
    for arn in list(group.target_group_arns):
        target_group = self.elbv2_backend.target_groups.get(arn)
        if target_group is None:  # deleted before its group, as AWS allows
            continue
        known = members.setdefault(arn, set())
        joining = [i for i in sorted(in_service) if i not in target_group.targets]
        if joining:
            target_group.register([{"Id": i, "Port": target_group.port} for i in joining])
        leaving = [i for i in sorted(known - in_service) if i in target_group.targets]
        if leaving:
            target_group.deregister([{"Id": i} for i in leaving])
        members[arn] = set(in_service)
