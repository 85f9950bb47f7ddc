"""The four instance refresh operations as moto response methods, with AWS's validation and shapes.

`instance_refresh.install()` attaches these to moto's `AutoScalingResponse` (moto dispatches by the
snake_case of the Action). Errors are AWS's documented codes as moto `ServiceException`s, which
boto3 raises as `ClientError`s: `InstanceRefreshInProgress`, `ActiveInstanceRefreshNotFound`,
`IrreversibleInstanceRefresh`, and `ValidationError` for bad requests.
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.core.responses import ActionResult
from moto.moto_api._internal import mock_random

from tui.rehearsal.fidelity.autoscaling import launch_templates, refresh_machine, refresh_records
from tui.rehearsal.fidelity.autoscaling.launch_templates import LaunchSpec
from tui.rehearsal.fidelity.autoscaling.refresh_port import (
    MotoGroupPort,
    Tracked,
    config_key,
    port_for,
    tracked_in,
)
from tui.rehearsal.fidelity.autoscaling.refresh_records import Preferences
from tui.rehearsal.fidelity.world_time import WorldTime

_FORWARD = ("Pending", "InProgress", "Baking")
_CANCELLABLE = ("Pending", "InProgress", "Baking", "RollbackInProgress")


class InstanceRefreshInProgress(AutoscalingClientError):
    """An active instance refresh already exists for the group."""

    code = "InstanceRefreshInProgress"


class ActiveInstanceRefreshNotFound(AutoscalingClientError):
    """No instance refresh (or rollback) is in progress for the group."""

    code = "ActiveInstanceRefreshNotFound"


class IrreversibleInstanceRefresh(AutoscalingClientError):
    """The refresh cannot be rolled back (no desired configuration, or $Latest/$Default)."""

    code = "IrreversibleInstanceRefresh"


def _group(response: Any, name: str) -> Any:
    group = response.autoscaling_backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError(
            f"AutoScalingGroup name not found - AutoScalingGroup '{name}' not found"
        )
    return group


def _active(response: Any, name: str, statuses: tuple[str, ...]) -> Tracked | None:
    for tracked in tracked_in(response.autoscaling_backend).get(name, []):
        if tracked.refresh.status in statuses:
            return tracked
    return None


def _resolve_setting(response: Any, spec_dict: dict[str, Any]) -> LaunchSpec:
    ec2 = response.autoscaling_backend.ec2_backend
    if spec_dict.get("LaunchTemplateId"):
        template = ec2.get_launch_template(spec_dict["LaunchTemplateId"])
    elif spec_dict.get("LaunchTemplateName"):
        template = ec2.get_launch_template_by_name(spec_dict["LaunchTemplateName"])
    else:
        raise ValidationError(
            "Valid requests must contain either launchTemplateId or LaunchTemplateName"
        )
    return LaunchSpec(template.id, template.name, str(spec_dict.get("Version") or "$Default"))


def _preferences(response: Any, group: Any, given: dict[str, Any]) -> Preferences:
    checkpoints = tuple(int(p) for p in given.get("CheckpointPercentages") or ())
    if "CheckpointDelay" in given and not checkpoints:
        raise ValidationError(
            "CheckpointDelay can only be specified together with CheckpointPercentages."
        )
    if list(checkpoints) != sorted(set(checkpoints)) or any(p < 1 or p > 100 for p in checkpoints):
        raise ValidationError(
            "CheckpointPercentages must be unique values between 1 and 100 in ascending order."
        )
    minimum = int(given.get("MinHealthyPercentage", 90))
    maximum = int(given.get("MaxHealthyPercentage", 100))
    if maximum - minimum > 100:
        raise ValidationError(
            "The difference between MinHealthyPercentage and MaxHealthyPercentage "
            "cannot be greater than 100."
        )
    if minimum == 100 and maximum == 100 and "MaxHealthyPercentage" in given:
        raise ValidationError(
            "MaxHealthyPercentage must be greater than 100 when MinHealthyPercentage is 100."
        )
    warmup = given.get("InstanceWarmup")
    if warmup is None:
        warmup = getattr(group, "default_instance_warmup", None)
    if warmup is None:
        warmup = group.health_check_grace_period or 0
    alarms = tuple((given.get("AlarmSpecification") or {}).get("Alarms") or ())
    if alarms:
        from moto.cloudwatch.models import cloudwatch_backends

        backend = response.autoscaling_backend
        known = cloudwatch_backends[backend.account_id][backend.region_name].alarms
        missing = [name for name in alarms if name not in known]
        if missing:
            raise ValidationError(f"The following alarms do not exist: {', '.join(missing)}.")
    return Preferences(
        min_healthy=minimum,
        max_healthy=maximum,
        warmup=int(warmup),
        checkpoints=checkpoints,
        checkpoint_delay=int(given.get("CheckpointDelay", 3600)),
        skip_matching=bool(given.get("SkipMatching", False)),
        auto_rollback=bool(given.get("AutoRollback", False)),
        alarms=alarms,
        scale_in_protected=str(given.get("ScaleInProtectedInstances") or "Wait"),
        standby=str(given.get("StandbyInstances") or "Wait"),
        bake_time=int(given.get("BakeTime", 0)),
    )


def start_instance_refresh(time: WorldTime, self: Any) -> ActionResult:
    """StartInstanceRefresh."""
    name = self._get_param("AutoScalingGroupName")
    group = _group(self, name)
    strategy = self._get_param("Strategy") or "Rolling"
    if strategy != "Rolling":
        raise ValidationError(f"Strategy {strategy} is not supported by the rehearsal world.")
    if _active(self, name, tuple(refresh_records.ACTIVE)):
        raise InstanceRefreshInProgress(
            "An Instance Refresh is already in progress and blocks the execution of this "
            "Instance Refresh."
        )
    current = launch_templates.group_launch_spec(group)
    if current is None:
        raise ValidationError(
            "The rehearsal world refreshes groups that use a launch template or a mixed "
            "instances policy, not a launch configuration."
        )
    desired_config = self._get_param("DesiredConfiguration") or {}
    if desired_config.get("LaunchTemplate"):
        desired = _resolve_setting(self, desired_config["LaunchTemplate"])
    elif desired_config.get("MixedInstancesPolicy"):
        lt = desired_config["MixedInstancesPolicy"].get("LaunchTemplate", {})
        desired = _resolve_setting(self, lt.get("LaunchTemplateSpecification", {}))
    else:
        desired = current
    preferences = _preferences(self, group, self._get_param("Preferences") or {})
    ec2 = self.autoscaling_backend.ec2_backend
    desired_version = str(launch_templates.resolve(ec2, desired).number)
    previous_version = str(launch_templates.resolve(ec2, current).number)
    desired_key = config_key(desired.template_id, desired_version)
    previous_key = config_key(current.template_id, previous_version)
    reversible = bool(desired_config) and current.version.isdigit()
    if preferences.auto_rollback and not reversible:
        raise ValidationError(
            "AutoRollback is not supported when there is no desired configuration or the "
            "Auto Scaling group uses the launch template's $Latest or $Default version."
        )
    specs = {
        desired_key: LaunchSpec(desired.template_id, desired.template_name, desired_version),
        previous_key: LaunchSpec(current.template_id, current.template_name, previous_version),
    }
    refresh_id = str(mock_random.uuid4())
    now = time.now()
    port = MotoGroupPort(time, self.autoscaling_backend, name, specs, dict(desired_config))
    refresh = refresh_machine.plan(
        refresh_id, name, port.members(now), preferences, desired_key, previous_key,
        bool(desired_config), reversible, now,
    )  # fmt: skip
    request = {
        "Preferences": self._get_param("Preferences") or {},
        "DesiredConfiguration": desired_config,
    }
    tracked_in(self.autoscaling_backend).setdefault(name, []).append(
        Tracked(refresh, specs, request)
    )
    refresh_machine.advance(refresh, port, now)
    return ActionResult({"InstanceRefreshId": refresh_id})


def describe_instance_refreshes(time: WorldTime, self: Any) -> ActionResult:
    """DescribeInstanceRefreshes."""
    name = self._get_param("AutoScalingGroupName")
    wanted = set(self._get_param("InstanceRefreshIds") or [])
    history = tracked_in(self.autoscaling_backend).get(name, [])
    newest_first = [t for t in reversed(history) if not wanted or t.refresh.refresh_id in wanted]
    start = int(self._get_param("NextToken") or 0)
    page_size = int(self._get_param("MaxRecords") or 50)
    page = newest_first[start : start + page_size]
    token = str(start + page_size) if start + page_size < len(newest_first) else None
    return ActionResult({"InstanceRefreshes": [_describe(r) for r in page], "NextToken": token})


def cancel_instance_refresh(time: WorldTime, self: Any) -> ActionResult:
    """CancelInstanceRefresh."""
    name = self._get_param("AutoScalingGroupName")
    _group(self, name)
    tracked = _active(self, name, _CANCELLABLE)
    if tracked is None:
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {name}"
        )
    wait = self._get_param("WaitForTransitioningInstances")
    port = port_for(time, self.autoscaling_backend, tracked)
    refresh_machine.cancel(tracked.refresh, port, time.now(), wait is not False)
    return ActionResult({"InstanceRefreshId": tracked.refresh.refresh_id})


def rollback_instance_refresh(time: WorldTime, self: Any) -> ActionResult:
    """RollbackInstanceRefresh."""
    name = self._get_param("AutoScalingGroupName")
    _group(self, name)
    tracked = _active(self, name, _FORWARD)
    if tracked is None:
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {name}"
        )
    if not tracked.refresh.rollback_allowed:
        raise IrreversibleInstanceRefresh(
            "The instance refresh cannot be rolled back: no desired configuration was given, "
            "or the group uses the launch template's $Latest or $Default version."
        )
    port = port_for(time, self.autoscaling_backend, tracked)
    refresh_machine.start_rollback(tracked.refresh, port, time.now(), "Rollback requested by user.")
    refresh_machine.advance(tracked.refresh, port, time.now())
    return ActionResult({"InstanceRefreshId": tracked.refresh.refresh_id})


def _describe(tracked: Tracked) -> dict[str, Any]:
    """One InstanceRefresh structure, in botocore's member names."""
    refresh = tracked.refresh
    forward = refresh.forward
    done = refresh.status == "Successful"
    percentage = 100 if done else forward.percentage
    to_update = 0 if done else forward.to_update
    if refresh.rollback is not None:
        # AWS: during a rollback PercentageComplete goes back down to zero (the machine takes
        # out what the rollback replaced), while InstancesToUpdate "shows you the number of
        # instances that were not yet updated by the instance refresh".
        to_update = refresh.rollback.to_update_at_start
    request = tracked.request
    described: dict[str, Any] = {
        "InstanceRefreshId": refresh.refresh_id,
        "AutoScalingGroupName": refresh.group_name,
        "Status": refresh.status,
        "StatusReason": refresh.status_reason,
        "StartTime": refresh.start_time,
        "EndTime": refresh.end_time,
        "PercentageComplete": percentage,
        "InstancesToUpdate": to_update,
        "ProgressDetails": {
            "LivePoolProgress": {"PercentageComplete": percentage, "InstancesToUpdate": to_update}
        },
        "Preferences": _preferences_out(refresh.preferences, request.get("Preferences", {})),
        "Strategy": "Rolling",
    }
    if request.get("DesiredConfiguration"):
        described["DesiredConfiguration"] = request["DesiredConfiguration"]
    if refresh.rollback is not None:
        phase = refresh.rollback.phase
        # AWS: PercentageCompleteOnRollback and InstancesToUpdateOnRollback are "the value of
        # PercentageComplete [InstancesToUpdate] at the time the rollback started";
        # ProgressDetailsOnRollback "reports progress on replacing instances" (the rollback's).
        described["RollbackDetails"] = {
            "RollbackReason": refresh.rollback.reason,
            "RollbackStartTime": refresh.rollback.start_time,
            "PercentageCompleteOnRollback": refresh.rollback.percentage_at_start,
            "InstancesToUpdateOnRollback": refresh.rollback.to_update_at_start,
            "ProgressDetailsOnRollback": {
                "LivePoolProgress": {
                    "PercentageComplete": phase.percentage,
                    "InstancesToUpdate": phase.to_update,
                }
            },
        }
    return described


def _preferences_out(prefs: Preferences, given: dict[str, Any]) -> dict[str, Any]:
    """The preferences as AWS echoes them: defaults filled in, optional ones only if given."""
    out: dict[str, Any] = {
        "MinHealthyPercentage": prefs.min_healthy,
        "InstanceWarmup": prefs.warmup,
        "SkipMatching": prefs.skip_matching,
        "AutoRollback": prefs.auto_rollback,
        "ScaleInProtectedInstances": prefs.scale_in_protected,
        "StandbyInstances": prefs.standby,
    }
    if prefs.checkpoints:
        out["CheckpointPercentages"] = list(prefs.checkpoints)
        out["CheckpointDelay"] = prefs.checkpoint_delay
    if "MaxHealthyPercentage" in given:
        out["MaxHealthyPercentage"] = prefs.max_healthy
    if prefs.alarms:
        out["AlarmSpecification"] = {"Alarms": list(prefs.alarms)}
    if "BakeTime" in given:
        out["BakeTime"] = prefs.bake_time
    return out
