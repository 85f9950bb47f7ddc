"""The moto side of an instance refresh: a `GroupPort` over a moto group, and where refreshes live.

`refresh_machine` decides; this module carries its decisions out on moto (launching through
`launch_templates`, health through `target_health`, alarms from moto's CloudWatch backend) and
keeps each group's refreshes on its Auto Scaling backend, so a moto reset forgets them. Not an
extension itself (no install/tick): `instance_refresh` is.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.rehearsal.fidelity.autoscaling import launch_templates, refresh_machine, scaling_activities
from tui.rehearsal.fidelity.autoscaling.launch_templates import LaunchSpec
from tui.rehearsal.fidelity.autoscaling.refresh_records import Member, Refresh
from tui.rehearsal.fidelity.cloudwatch import metric_sources
from tui.rehearsal.fidelity.elbv2 import target_health
from tui.rehearsal.fidelity.world_time import WorldTime


@dataclass
class Tracked:
    """A refresh, the launch specs its config keys stand for, and the request as given."""

    refresh: Refresh
    specs: dict[str, LaunchSpec]
    request: dict[str, Any]


class MotoGroupPort:
    """`refresh_records.GroupPort` over a moto Auto Scaling group."""

    def __init__(
        self,
        time: WorldTime,
        backend: Any,
        group_name: str,
        specs: dict[str, LaunchSpec],
        desired: dict[str, Any],
    ) -> None:
        self.time = time
        self.backend = backend
        self.specs = specs
        self.desired_setting = desired
        self.group = backend.autoscaling_groups[group_name]

    def desired_capacity(self) -> int:
        return int(self.group.desired_capacity or 0)

    def members(self, at: datetime) -> list[Member]:
        with self.time.at(at):
            return [self._member(state) for state in list(self.group.instance_states)]

    def _member(self, state: Any) -> Member:
        record = launch_templates.launch_record(state.instance)
        healthy = state.health_status == "Healthy"
        if healthy and self.group.health_check_type == "ELB":
            healthy = target_health.instance_is_healthy(
                self.time, state.instance.id, list(self.group.target_group_arns)
            )
        return Member(
            instance_id=state.instance.id,
            config=config_key(record.template_id, record.version) if record else "unknown",
            launched_at=record.launched_at if record else datetime.min.replace(tzinfo=UTC),
            in_service=state.lifecycle_state == "InService",
            healthy=healthy,
            standby=state.lifecycle_state == "Standby",
            protected=bool(state.protected_from_scale_in),
        )

    def launch(self, config: str, count: int, at: datetime) -> list[str]:
        with self.time.at(at):
            cause = (
                f"At {scaling_activities.at_text(at)} an instance was launched in response to an "
                "instance refresh."
            )
            states = launch_templates.launch_into_group(
                self.time, self.group, self.specs[config], count, cause
            )
            self.backend.update_attached_target_groups(self.group.name)
            self.backend.update_attached_elbs(self.group.name)
        return [state.instance.id for state in states]

    def terminate(self, instance_ids: list[str], at: datetime) -> None:
        with self.time.at(at):
            cause = (
                f"At {scaling_activities.at_text(at)} an instance was taken out of service in "
                "response to an instance refresh."
            )
            launch_templates.terminate_in_group(self.time, self.group, instance_ids, cause)

    def alarms_in_alarm(self, names: Iterable[str]) -> list[str]:
        from moto.cloudwatch.models import cloudwatch_backends

        # Alarms are evaluated lazily (metric_sources): bring them up to this event's moment
        # first, or AutoRollback would read a state CloudWatch had not yet moved on from.
        metric_sources.catch_up(self.time.event_now())
        cloudwatch = cloudwatch_backends[self.backend.account_id][self.backend.region_name]
        return [
            name
            for name in names
            if name in cloudwatch.alarms and cloudwatch.alarms[name].state_value == "ALARM"
        ]

    def apply(self, config: str) -> None:
        setting = self.desired_setting
        group = self.group
        if setting.get("MixedInstancesPolicy"):
            group.mixed_instances_policy = copy.deepcopy(setting["MixedInstancesPolicy"])
            # moto leaves a mixed-instances group's top-level LaunchTemplate out of its answers
            # (as AWS does) only when this attribute is absent.
            group.__dict__.pop("provided_launch_template_version", None)
            group._set_launch_configuration(None, {}, group.mixed_instances_policy)
        else:
            group.mixed_instances_policy = None
            group._set_launch_configuration(None, setting.get("LaunchTemplate") or {}, None)


def port_for(time: WorldTime, backend: Any, tracked: Tracked) -> MotoGroupPort:
    """The port a tracked refresh acts through."""
    return MotoGroupPort(
        time,
        backend,
        tracked.refresh.group_name,
        tracked.specs,
        tracked.request.get("DesiredConfiguration") or {},
    )


def config_key(template_id: str, version: str) -> str:
    """The machine's name for a launch template version."""
    return f"{template_id}:{version}"


def tracked_in(backend: Any) -> dict[str, list[Tracked]]:
    """Group name → its refreshes, oldest first, kept on the Auto Scaling backend."""
    return backend.__dict__.setdefault("turnout_refreshes", {})


def catch_up(time: WorldTime, backend: Any, now: datetime, alarms: bool = True) -> None:
    """Advance every active refresh on this backend to `now` (alarms: see `advance`)."""
    for group_name, history in list(tracked_in(backend).items()):
        for tracked in history:
            refresh = tracked.refresh
            if not refresh.active:
                continue
            if group_name not in backend.autoscaling_groups:
                refresh.status = "Failed"
                refresh.status_reason = "The Auto Scaling group was deleted."
                refresh.end_time = now
                continue
            refresh_machine.advance(refresh, port_for(time, backend, tracked), now, alarms)
