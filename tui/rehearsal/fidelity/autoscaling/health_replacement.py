"""Auto Scaling health checks that mark instances Unhealthy and replace them.

moto 5.2.5 never looks at an instance's health: an instance whose EC2 status checks are
`impaired`, or whose load balancer target is `unhealthy` in a group with HealthCheckType ELB,
stays InService/Healthy for ever. AWS (user guide, "Health checks for Auto Scaling instances"
and "Set the health check grace period"):

- "If the instance is in any Amazon EC2 state other than running or if the system status is
  impaired, Amazon EC2 Auto Scaling considers the instance to be unhealthy and replaces it";
  "When a system status check fails, Amazon EC2 Auto Scaling waits a few minutes for AWS to fix
  the issue ... However, any instances that are not in the running state are immediately marked
  as unhealthy." The world waits `IMPAIRED_WAIT` for an impaired one.
- "Instances for groups that use ELB health checks are considered healthy if they are in the
  running state and they are reported as healthy by the load balancer"; unhealthy when it
  reports them `unhealthy`.
- SetInstanceHealth Unhealthy: "Amazon EC2 Auto Scaling terminates and replaces the unhealthy
  instance."
- "The health check grace period specifies the minimum amount of time (in seconds) to keep a new
  instance in service before terminating it if it's found to be unhealthy" (not for an instance
  that is no longer running).
- "By default, Amazon EC2 Auto Scaling creates a new scaling activity for terminating the
  unhealthy instance and then terminates it. While the instance is terminating, another scaling
  activity launches a new instance", from "the current settings of the Auto Scaling group".
- A suspended `HealthCheck` process marks nothing; a suspended `ReplaceUnhealthy` marks but
  replaces nothing.

An instance refresh under way sees the churn (`_tell_refreshes`): an instance it was to replace
that the health check replaced leaves its scope, and the replacement joins it unless it already
runs the refresh's target configuration (then it counts as replaced, after its warmup).

Not an extension: `group_clock` runs `check` every `CHECK_INTERVAL` of world time, between the
steps of the instance refreshes, so each replacement happens at its own moment.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tui.rehearsal.fidelity.autoscaling import launch_templates, scaling_activities
from tui.rehearsal.fidelity.autoscaling.refresh_port import config_key, tracked_in
from tui.rehearsal.fidelity.elbv2 import target_health
from tui.rehearsal.fidelity.world_time import WorldTime

# AWS checks "periodically" without saying how often; a load balancer needs at least two failed
# checks (10 s apart or more) to call a target unhealthy, so 10 s adds little on top.
CHECK_INTERVAL = timedelta(seconds=10)
# AWS "waits a few minutes for AWS to fix the issue" before acting on an impaired instance.
IMPAIRED_WAIT = timedelta(minutes=5)

_NOT_RUNNING = "an EC2 health check indicating it has been terminated or stopped"
_STATUS_CHECKS = "an EC2 instance status check failure"
_ELB = "an ELB system health check failure"
_USER = "a user health-check"


def check(time: WorldTime, backend: Any, at: datetime) -> None:
    """One health check of every group on this Auto Scaling backend, at `at`."""
    with time.at(at):
        for group in list(backend.autoscaling_groups.values()):
            suspended = {p["ProcessName"] for p in group.suspended_processes}
            if "HealthCheck" in suspended:
                continue
            for state in list(group.instance_states):
                if state.lifecycle_state != "InService":
                    continue
                failure = _failure(time, group, state, at)
                if failure is None:
                    continue
                state.health_status = "Unhealthy"
                if "ReplaceUnhealthy" not in suspended:
                    _replace(time, backend, group, state, failure, at)


def _failure(time: WorldTime, group: Any, state: Any, at: datetime) -> str | None:
    """Why the health check finds this instance unhealthy at `at`, in AWS's words, or None."""
    instance = state.instance
    if instance.state != "running":
        return _NOT_RUNNING
    if at < _in_service_since(instance) + timedelta(seconds=group.health_check_grace_period or 0):
        return None
    if state.health_status == "Unhealthy":
        return _USER
    for attribute in ("turnout_system_impaired_since", "turnout_instance_impaired_since"):
        since = getattr(instance, attribute, None)  # naive UTC, as the status checks keep it
        if since is not None and at >= since.replace(tzinfo=UTC) + IMPAIRED_WAIT:
            return _STATUS_CHECKS
    if group.health_check_type == "ELB":
        states = target_health.state_of(time, instance.id)
        if any(states.get(arn, target_health.Health("unused")).state == "unhealthy"
               for arn in group.target_group_arns):  # fmt: skip
            return _ELB
    return None


def _in_service_since(instance: Any) -> datetime:
    record = launch_templates.launch_record(instance)
    return record.launched_at if record else datetime.min.replace(tzinfo=UTC)


def _replace(
    time: WorldTime, backend: Any, group: Any, state: Any, failure: str, at: datetime
) -> None:
    """Terminate the unhealthy instance, then launch its replacement (two activities)."""
    old_id = state.instance.id
    cause = f"At {scaling_activities.at_text(at)} an instance was taken out of service in "
    launch_templates.terminate_in_group(time, group, [old_id], cause + f"response to {failure}.")
    before = {s.instance.id for s in group.instance_states}
    missing = int(group.desired_capacity or 0) - len(group.instance_states)
    if missing > 0:
        group.replace_autoscaling_group_instances(missing, group.get_propagated_tags())
        backend.update_attached_target_groups(group.name)
        backend.update_attached_elbs(group.name)
    new = [s.instance for s in group.instance_states if s.instance.id not in before]
    _tell_refreshes(backend, group.name, old_id, new)


def _tell_refreshes(backend: Any, group_name: str, old_id: str, new: list[Any]) -> None:
    """An active refresh of the group sees the replacement: AWS's refresh brings every instance
    to its configuration, so one the health check launched on another joins what is left."""
    for tracked in tracked_in(backend).get(group_name, []):
        refresh = tracked.refresh
        if refresh.status not in ("Pending", "InProgress", "Baking", "RollbackInProgress"):
            continue
        phase = refresh.rollback.phase if refresh.rollback is not None else refresh.forward
        if old_id not in phase.scope and old_id not in phase.launched:
            continue
        phase.scope.discard(old_id)
        phase.launched.discard(old_id)
        for instance in new:
            record = launch_templates.launch_record(instance)
            config = config_key(record.template_id, record.version) if record else "unknown"
            if config == phase.target:
                phase.launched.add(instance.id)
            else:
                phase.scope.add(instance.id)
