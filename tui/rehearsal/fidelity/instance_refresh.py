"""Instance refresh for moto: Start/Describe/Cancel/RollbackInstanceRefresh as real API calls.

moto 5.2.5 has none of the four operations (NotImplementedError in process, an HTTP 500 over the
server). This module adds them to moto's Auto Scaling response class and keeps each refresh on the
Auto Scaling backend it belongs to (so a moto reset forgets it). How a refresh moves is
`refresh_machine`'s business; this side validates requests as AWS does, answers in botocore's
shapes, and lets the machine launch and terminate real moto instances through a `GroupPort`.

Before any Auto Scaling, ELBv2 or EC2 request is answered, every refresh is caught up to the
world's clock under `fidelity.lock()`: a caller sees what AWS would show at that moment, however
rarely it asks. Errors are AWS's documented codes: `InstanceRefreshInProgress`,
`ActiveInstanceRefreshNotFound`, `IrreversibleInstanceRefresh`, `ValidationError`.

World knob: `refreshes(group_name)` returns the machine's `Refresh` records for inspection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.autoscaling import models as asg_models
from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult
from moto.ec2.responses import EC2Response
from moto.elbv2.responses import ELBV2Response
from moto.moto_api._internal import mock_random

from tui.rehearsal import fidelity
from tui.rehearsal.fidelity import (
    event_time,
    launch_templates,
    refresh_machine,
    target_health,
    world_backends,
)
from tui.rehearsal.fidelity.launch_templates import LaunchSpec
from tui.rehearsal.fidelity.refresh_machine import Member, Preferences, Refresh

_installed = False
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


@dataclass
class Tracked:
    """A refresh, the launch specs its config keys stand for, and the request as given."""

    refresh: Refresh
    specs: dict[str, LaunchSpec]
    request: dict[str, Any]


def install() -> None:
    """Add the four operations and the catch-up before answering. Idempotent."""
    global _installed
    if _installed:
        return
    _installed = True
    AutoScalingResponse.start_instance_refresh = _start_instance_refresh
    AutoScalingResponse.describe_instance_refreshes = _describe_instance_refreshes
    AutoScalingResponse.cancel_instance_refresh = _cancel_instance_refresh
    AutoScalingResponse.rollback_instance_refresh = _rollback_instance_refresh
    for response_class in (AutoScalingResponse, ELBV2Response, EC2Response):
        _catch_up_before_answering(response_class)


def tick(now: datetime) -> None:
    """Advance every refresh in the world to `now`."""
    for backend in world_backends.each(asg_models.autoscaling_backends):
        _catch_up(backend, now)


def refreshes(group_name: str) -> list[Refresh]:
    """Every refresh of `group_name` anywhere in the world, oldest first (for the simulator)."""
    found = []
    for backend in world_backends.each(asg_models.autoscaling_backends):
        found.extend(t.refresh for t in _tracked(backend).get(group_name, []))
    return found


# ---- the moto side of the machine ----------------------------------------------------------


class MotoGroupPort:
    """`refresh_machine.GroupPort` over a moto Auto Scaling group."""

    def __init__(
        self, backend: Any, group_name: str, specs: dict[str, LaunchSpec], desired: dict[str, Any]
    ) -> None:
        self.backend = backend
        self.specs = specs
        self.desired_setting = desired
        self.group = backend.autoscaling_groups[group_name]

    def desired_capacity(self) -> int:
        return int(self.group.desired_capacity or 0)

    def members(self, at: datetime) -> list[Member]:
        with event_time.at(at):
            return [self._member(state) for state in list(self.group.instance_states)]

    def _member(self, state: Any) -> Member:
        record = launch_templates.launch_record(state.instance)
        healthy = state.health_status == "Healthy"
        if healthy and self.group.health_check_type == "ELB":
            healthy = target_health.instance_is_healthy(
                state.instance.id, list(self.group.target_group_arns)
            )
        return Member(
            instance_id=state.instance.id,
            config=_config_key(record.template_id, record.version) if record else "unknown",
            launched_at=record.launched_at if record else datetime.min.replace(tzinfo=UTC),
            in_service=state.lifecycle_state == "InService",
            healthy=healthy,
            standby=state.lifecycle_state == "Standby",
            protected=bool(state.protected_from_scale_in),
        )

    def launch(self, config: str, count: int, at: datetime) -> list[str]:
        with event_time.at(at):
            states = launch_templates.launch_into_group(self.group, self.specs[config], count)
            self.backend.update_attached_target_groups(self.group.name)
            self.backend.update_attached_elbs(self.group.name)
        return [state.instance.id for state in states]

    def terminate(self, instance_ids: list[str], at: datetime) -> None:
        with event_time.at(at):
            gone = set(instance_ids)
            self.group.instance_states = [
                s for s in self.group.instance_states if s.instance.id not in gone
            ]
            # Deregistering first starts each target's deregistration delay at `at`.
            self.backend.update_attached_target_groups(self.group.name)
            self.backend.update_attached_elbs(self.group.name)
            self.backend.ec2_backend.terminate_instances(instance_ids)

    def alarms_in_alarm(self, names: Iterable[str]) -> list[str]:
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch = cloudwatch_backends[self.backend.account_id][self.backend.region_name]
        return [
            name
            for name in names
            if name in cloudwatch.alarms and cloudwatch.alarms[name].state_value == "ALARM"
        ]

    def apply(self, config: str) -> None:
        setting = self.desired_setting
        self.group._set_launch_configuration(
            None, setting.get("LaunchTemplate") or {}, setting.get("MixedInstancesPolicy")
        )
        if setting.get("LaunchTemplate"):
            self.group.mixed_instances_policy = None
        else:
            self.group.mixed_instances_policy = self.group.mixed_instances_policy or setting.get(
                "MixedInstancesPolicy"
            )


def _port(backend: Any, tracked: Tracked) -> MotoGroupPort:
    return MotoGroupPort(
        backend,
        tracked.refresh.group_name,
        tracked.specs,
        tracked.request.get("DesiredConfiguration") or {},
    )


def _config_key(template_id: str, version: str) -> str:
    return f"{template_id}:{version}"


def _tracked(backend: Any) -> dict[str, list[Tracked]]:
    return backend.__dict__.setdefault("turnout_refreshes", {})


def _catch_up(backend: Any, now: datetime) -> None:
    for group_name, history in list(_tracked(backend).items()):
        for tracked in history:
            refresh = tracked.refresh
            if not refresh.active:
                continue
            if group_name not in backend.autoscaling_groups:
                refresh.status = "Failed"
                refresh.status_reason = "The Auto Scaling group was deleted."
                refresh.end_time = now
                continue
            refresh_machine.advance(refresh, _port(backend, tracked), now)


def _catch_up_before_answering(response_class: type) -> None:
    original = response_class.call_action

    def call_action(self: Any) -> Any:
        with fidelity.lock():
            now = fidelity.now()
            for backend in world_backends.each(asg_models.autoscaling_backends):
                _catch_up(backend, now)
            return original(self)

    call_action.__wrapped__ = original  # type: ignore[attr-defined]
    response_class.call_action = call_action


# ---- the four operations --------------------------------------------------------------------


def _group(response: Any, name: str) -> Any:
    group = response.autoscaling_backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError(
            f"AutoScalingGroup name not found - AutoScalingGroup '{name}' not found"
        )
    return group


def _active(response: Any, name: str, statuses: tuple[str, ...]) -> Tracked | None:
    for tracked in _tracked(response.autoscaling_backend).get(name, []):
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


def _start_instance_refresh(self: Any) -> ActionResult:
    name = self._get_param("AutoScalingGroupName")
    group = _group(self, name)
    strategy = self._get_param("Strategy") or "Rolling"
    if strategy != "Rolling":
        raise ValidationError(f"Strategy {strategy} is not supported by the rehearsal world.")
    if _active(self, name, tuple(refresh_machine.ACTIVE)):
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
    desired_key = _config_key(desired.template_id, desired_version)
    previous_key = _config_key(current.template_id, previous_version)
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
    now = fidelity.now()
    port = MotoGroupPort(self.autoscaling_backend, name, specs, dict(desired_config))
    refresh = refresh_machine.plan(
        refresh_id, name, port.members(now), preferences, desired_key, previous_key,
        bool(desired_config), reversible, now,
    )  # fmt: skip
    request = {
        "Preferences": self._get_param("Preferences") or {},
        "DesiredConfiguration": desired_config,
    }
    _tracked(self.autoscaling_backend).setdefault(name, []).append(Tracked(refresh, specs, request))
    refresh_machine.advance(refresh, port, now)
    return ActionResult({"InstanceRefreshId": refresh_id})


def _describe_instance_refreshes(self: Any) -> ActionResult:
    name = self._get_param("AutoScalingGroupName")
    wanted = set(self._get_param("InstanceRefreshIds") or [])
    history = _tracked(self.autoscaling_backend).get(name, [])
    newest_first = [t for t in reversed(history) if not wanted or t.refresh.refresh_id in wanted]
    start = int(self._get_param("NextToken") or 0)
    page_size = int(self._get_param("MaxRecords") or 50)
    page = newest_first[start : start + page_size]
    token = str(start + page_size) if start + page_size < len(newest_first) else None
    return ActionResult({"InstanceRefreshes": [_describe(r) for r in page], "NextToken": token})


def _cancel_instance_refresh(self: Any) -> ActionResult:
    name = self._get_param("AutoScalingGroupName")
    _group(self, name)
    tracked = _active(self, name, _CANCELLABLE)
    if tracked is None:
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {name}"
        )
    wait = self._get_param("WaitForTransitioningInstances")
    port = _port(self.autoscaling_backend, tracked)
    refresh_machine.cancel(tracked.refresh, port, fidelity.now(), wait is not False)
    return ActionResult({"InstanceRefreshId": tracked.refresh.refresh_id})


def _rollback_instance_refresh(self: Any) -> ActionResult:
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
    port = _port(self.autoscaling_backend, tracked)
    refresh_machine.start_rollback(
        tracked.refresh, port, fidelity.now(), "Rollback requested by user."
    )
    refresh_machine.advance(tracked.refresh, port, fidelity.now())
    return ActionResult({"InstanceRefreshId": tracked.refresh.refresh_id})


def _describe(tracked: Tracked) -> dict[str, Any]:
    """One InstanceRefresh structure, in botocore's member names."""
    refresh = tracked.refresh
    forward = refresh.forward
    done = refresh.status == "Successful"
    percentage = 100 if done else forward.percentage
    to_update = 0 if done else forward.to_update
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
        described["RollbackDetails"] = {
            "RollbackReason": refresh.rollback.reason,
            "RollbackStartTime": refresh.rollback.start_time,
            "PercentageCompleteOnRollback": phase.percentage,
            "InstancesToUpdateOnRollback": phase.to_update,
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
