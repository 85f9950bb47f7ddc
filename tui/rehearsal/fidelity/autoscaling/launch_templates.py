"""Launch template versions that inherit; ASG instances that remember what they were launched from.

moto 5.2.5 gets two things wrong that an AMI upgrade depends on:
- `create_launch_template_version` ignores `SourceVersion`, so a version made with only a new
  `ImageId` loses the instance type, security groups and user data, and one made with only a new
  instance type has no image at all (instances launch with an empty ImageId). AWS copies the
  source version and then applies the given `LaunchTemplateData` over it, parameter by parameter.
- `describe_auto_scaling_instances` / `describe_auto_scaling_groups` report the template's
  *default* version for every instance, and moto launches with the default version's tags even
  when the group names another. On AWS each instance keeps the template id and version it was
  launched from until it is replaced, which is how an operator (and `SkipMatching`) tells old
  instances from new ones.

Here every instance an ASG launches records a `LaunchRecord` (template, resolved version number,
image, launch time), instances are spread over the group's Availability Zones as AWS balances them,
and the Auto Scaling views report the recorded version and image.

World knobs: `fleet(group)` and `images_in_service(group)` say which instances run which image, for
the traffic model.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.autoscaling import models as asg_models
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ec2.utils import parse_user_data

from tui.rehearsal.fidelity import patching, world_backends
from tui.rehearsal.fidelity.autoscaling import scaling_activities
from tui.rehearsal.fidelity.world_time import WorldTime


@dataclass(frozen=True)
class LaunchSpec:
    """A launch template as a group or a refresh names it: `version` may be `$Latest`/`$Default`."""

    template_id: str
    template_name: str
    version: str


@dataclass(frozen=True)
class LaunchRecord:
    """What an instance was launched from: the resolved version number and its image."""

    template_id: str
    template_name: str
    version: str
    image_id: str
    launched_at: datetime

    def as_specification(self) -> dict[str, str]:
        """The `LaunchTemplate` structure AWS reports for this instance."""
        return {
            "LaunchTemplateId": self.template_id,
            "LaunchTemplateName": self.template_name,
            "Version": self.version,
        }


@dataclass(frozen=True)
class FleetInstance:
    """One ASG instance as the traffic model sees it."""

    instance_id: str
    group: str
    lifecycle_state: str
    health_status: str
    availability_zone: str
    image_id: str
    template_id: str | None
    version: str | None


def install(time: WorldTime) -> None:
    """Patch moto's launch-template versions and ASG launches."""
    patching.patch(
        LaunchTemplates, "create_launch_template_version", _create_launch_template_version
    )
    group, state = asg_models.FakeAutoScalingGroup, asg_models.InstanceState
    launching = functools.partial(_launching_from_templates, time)
    patching.wrap(group, "replace_autoscaling_group_instances", launching)
    patching.wrap(state, "launch_template", _reporting_launch_record)
    # botocore's Instance / AutoScalingInstanceDetails shapes carry ImageId; moto never fills it.
    patching.patch(state, "image_id", property(lambda self: self.instance.image_id))


def _launching_from_templates(time: WorldTime, original: Any) -> Any:
    def replace_autoscaling_group_instances(
        self: Any, count_needed: int, propagated_tags: dict[str, str]
    ) -> None:
        spec = group_launch_spec(self)
        if spec is None:  # launch configurations: moto's own behaviour is right enough
            original(self, count_needed, propagated_tags)
            return
        launch_into_group(time, self, spec, count_needed)

    return replace_autoscaling_group_instances


def _reporting_launch_record(original: property) -> property:
    def launch_template(self: Any) -> dict[str, Any] | None:
        record = launch_record(self.instance)
        return record.as_specification() if record else original.fget(self)  # type: ignore[misc]

    return property(launch_template)


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing moves on its own here: launches happen when a group or a refresh asks."""


def launch_record(instance: Any) -> LaunchRecord | None:
    """The record an ASG launch left on a moto EC2 instance, if any."""
    return getattr(instance, "turnout_launch", None)


def group_launch_spec(group: Any) -> LaunchSpec | None:
    """The launch template and version (as written, e.g. `$Latest`) a group launches from."""
    template = group.ec2_launch_template
    if template is None:
        return None
    return LaunchSpec(template.id, template.name, str(group.launch_template_version))


def resolve(ec2_backend: Any, spec: LaunchSpec) -> Any:
    """The moto `LaunchTemplateVersion` a spec names today (raises moto's not-found errors)."""
    return ec2_backend.get_launch_template(spec.template_id).get_version(spec.version)


def launch_into_group(
    time: WorldTime, group: Any, spec: LaunchSpec, count: int, cause: str | None = None
) -> list[Any]:
    """Launch `count` instances into `group` from `spec`, balanced over its zones, each recorded
    as a scaling activity with `cause` (by default: filling the group up to its capacity)."""
    ec2 = group.autoscaling_backend.ec2_backend
    at = time.event_now()
    if cause is None:
        before = len(group.instance_states)
        cause = scaling_activities.capacity_cause(at, before, before + count)
    version = resolve(ec2, spec)
    subnets_by_zone = _subnets_by_zone(group)
    tags = group.get_propagated_tags()
    tags[asg_models.ASG_NAME_TAG] = group.name
    tags.update(version.instance_tags)
    launched = []
    for _ in range(count):
        zone = _emptiest_zone(group)
        reservation = ec2.run_instances(
            version.image_id,
            1,
            version.user_data,
            version.security_groups,
            instance_type=version.instance_type or "t3.micro",
            tags={"instance": dict(tags)},
            placement=zone,
            launch_template={"LaunchTemplateId": spec.template_id, "Version": str(version.number)},
            is_instance_type_default=False,
            subnet_id=subnets_by_zone.get(zone),
        )
        for instance in reservation.instances:
            instance.autoscaling_group = group
            instance.turnout_launch = LaunchRecord(
                template_id=spec.template_id,
                template_name=spec.template_name,
                version=str(version.number),
                image_id=version.image_id,
                launched_at=at,
            )
            state = asg_models.InstanceState(
                instance, protected_from_scale_in=group.new_instances_protected_from_scale_in
            )
            group.instance_states.append(state)
            launched.append(state)
            scaling_activities.record_launch(group, instance, cause, at)
    return launched


def terminate_in_group(time: WorldTime, group: Any, instance_ids: list[str], cause: str) -> None:
    """Take these instances out of `group` and terminate them now, each recorded as a scaling
    activity with `cause`; their targets start draining at this moment."""
    at = time.event_now()
    gone = set(instance_ids)
    leaving = [s.instance for s in group.instance_states if s.instance.id in gone]
    group.instance_states = [s for s in group.instance_states if s.instance.id not in gone]
    backend = group.autoscaling_backend
    # Deregistering first starts each target's deregistration delay at `at`.
    backend.update_attached_target_groups(group.name)
    backend.update_attached_elbs(group.name)
    backend.ec2_backend.terminate_instances(instance_ids)
    drain = _drain(group)
    for instance in leaving:
        scaling_activities.record_termination(group, instance, cause, at, drain)


def _drain(group: Any) -> timedelta:
    """The longest deregistration delay of the group's target groups: AWS terminates an instance
    once its connections have drained."""
    seconds = 0
    for arn in list(group.target_group_arns):
        target_group = group.autoscaling_backend.elbv2_backend.target_groups.get(arn)
        if target_group is not None:
            delay = target_group.attributes.get("deregistration_delay.timeout_seconds", 300)
            seconds = max(seconds, int(delay))
    return timedelta(seconds=seconds)


def fleet(group_name: str | None = None) -> list[FleetInstance]:
    """Every ASG instance in the world (or in one group) with the image it runs."""
    found = []
    for backend in world_backends.each(asg_models.autoscaling_backends):
        for group in list(backend.autoscaling_groups.values()):
            if group_name is not None and group.name != group_name:
                continue
            for state in list(group.instance_states):
                record = launch_record(state.instance)
                found.append(
                    FleetInstance(
                        instance_id=state.instance.id,
                        group=group.name,
                        lifecycle_state=state.lifecycle_state,
                        health_status=state.health_status,
                        availability_zone=state.instance.placement.zone,
                        image_id=state.instance.image_id,
                        template_id=record.template_id if record else None,
                        version=record.version if record else None,
                    )
                )
    return found


def images_in_service(group_name: str | None = None) -> dict[str, list[str]]:
    """Image id → ids of the InService instances running it (the traffic model's split)."""
    images: dict[str, list[str]] = {}
    for member in fleet(group_name):
        if member.lifecycle_state == "InService":
            images.setdefault(member.image_id, []).append(member.instance_id)
    return images


def _subnets_by_zone(group: Any) -> dict[str, str]:
    if not group.vpc_zone_identifier:
        return {}
    subnet_ids = group.vpc_zone_identifier.split(",")
    subnets = group.autoscaling_backend.ec2_backend.describe_subnets(subnet_ids=subnet_ids)
    by_zone: dict[str, str] = {}
    for subnet in subnets:
        by_zone.setdefault(subnet.availability_zone, subnet.id)
    return by_zone


def _emptiest_zone(group: Any) -> str:
    # AWS keeps a group balanced across its zones; the first zone wins ties, as its order is the
    # order the operator gave.
    counts = Counter(state.instance.placement.zone for state in group.instance_states)
    return min(group.availability_zones, key=lambda zone: counts.get(zone, 0))


def _create_launch_template_version(self: Any) -> Any:
    """EC2 CreateLaunchTemplateVersion, with `SourceVersion` inherited as AWS documents."""
    from moto.core.responses import ActionResult

    name = self._get_param("LaunchTemplateName")
    template_id = self._get_param("LaunchTemplateId")
    if template_id:
        template = self.ec2_backend.get_launch_template(template_id)
    else:
        template = self.ec2_backend.get_launch_template_by_name(name)
    given = self._get_param("LaunchTemplateData", {})
    if "UserData" in given:
        given["UserData"] = parse_user_data(given["UserData"])
    source = self._get_param("SourceVersion")
    data: dict[str, Any] = {}
    if source is not None:
        # AWS: the new version has the source's parameters except those given, which replace
        # theirs whole (a new NetworkInterfaces list replaces the old list, not merged into it).
        data = copy.deepcopy(template.get_version(source).data)
    data.update(given)
    self.error_on_dryrun()
    version = template.create_version(data, self._get_param("VersionDescription"))
    return ActionResult(
        {
            "LaunchTemplateVersion": {
                "CreateTime": version.create_time,
                "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
                "DefaultVersion": template.is_default(version),
                "LaunchTemplateData": version.data,
                "LaunchTemplateId": template.id,
                "LaunchTemplateName": template.name,
                "VersionDescription": version.description,
                "VersionNumber": version.number,
            }
        }
    )
