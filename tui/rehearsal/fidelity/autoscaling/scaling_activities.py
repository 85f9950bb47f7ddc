"""Scaling activities: every launch and termination an Auto Scaling group makes, as
DescribeScalingActivities lists them.

moto 5.2.5 answers DescribeScalingActivities with an empty list, so after twenty replacements an
operator sees no trace of any. AWS (API reference, DescribeScalingActivities; user guide,
"View the reason for health check failures") records one activity per launch ("Launching a new
EC2 instance: i-...") and per termination ("Terminating EC2 instance: i-..."), each with its
Cause ("At 2022-05-14T20:11:53Z an instance was taken out of service in response to ..."),
StatusCode, StartTime and EndTime, sorted by start time with those still in progress first,
MaxRecords (default and maximum 100) and NextToken.

Here launches are recorded by `launch_templates.launch_into_group` and terminations by
`launch_templates.terminate_in_group`, with the cause their caller gives (an instance refresh, a
health check, a difference between desired and actual capacity), stamped with the world's event
time. A termination behind a load balancer waits for connection draining, as on AWS
("Amazon EC2 Auto Scaling waits for in-flight requests to complete or the maximum timeout to
expire"): `WaitingForELBConnectionDraining` until the target groups' deregistration delay has
passed, then `Successful`. Activities live on the Auto Scaling backend, so a moto reset forgets
them.

World knob: `activities(group_name)`, newest first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from moto.autoscaling import models as asg_models
from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult
from moto.moto_api._internal import mock_random

from tui.rehearsal.fidelity import patching, world_backends
from tui.rehearsal.fidelity.world_time import WorldTime

MAX_RECORDS = 100  # AWS: "The default value is 100 and the maximum value is 100."
_DRAINING = "WaitingForELBConnectionDraining"


@dataclass
class Activity:
    """One scaling activity of one group."""

    activity_id: str
    group_name: str
    group_arn: str
    description: str
    cause: str
    start_time: datetime
    details: dict[str, str] = field(default_factory=dict)
    drains_until: datetime | None = None  # a termination waiting for connection draining
    sequence: int = 0  # order of recording: ties in start time keep it, newest first

    def status_at(self, now: datetime) -> str:
        """StatusCode at `now`."""
        if self.drains_until is not None and now < self.drains_until:
            return _DRAINING
        return "Successful"

    def end_time(self, now: datetime) -> datetime | None:
        """EndTime at `now` (none while still in progress)."""
        if self.drains_until is None:
            return self.start_time
        return self.drains_until if now >= self.drains_until else None


def install(time: WorldTime) -> None:
    """Answer DescribeScalingActivities from the recorded activities."""
    patching.patch(
        AutoScalingResponse, "describe_scaling_activities", time.bound(_describe_scaling_activities)
    )


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing moves on its own here: activities are recorded as launches and terminations
    happen, and their status is read from the clock when asked."""


def at_text(moment: datetime) -> str:
    """A moment as AWS writes it at the start of a Cause: `2022-05-14T20:11:53Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def capacity_cause(at: datetime, before: int, after: int) -> str:
    """AWS's cause for a launch that fills the group back up to its desired capacity."""
    return (
        f"At {at_text(at)} an instance was started in response to a difference between desired "
        f"and actual capacity, increasing the capacity from {before} to {after}."
    )


def record_launch(group: Any, instance: Any, cause: str, at: datetime) -> None:
    """A launch of `instance` into `group` at `at`."""
    _record(group, f"Launching a new EC2 instance: {instance.id}", cause, at, instance, None)


def record_termination(
    group: Any, instance: Any, cause: str, at: datetime, drain: timedelta
) -> None:
    """A termination of `instance`, draining its targets for `drain` (zero: none)."""
    until = at + drain if drain > timedelta(0) else None
    _record(group, f"Terminating EC2 instance: {instance.id}", cause, at, instance, until)


def activities(group_name: str | None = None) -> list[Activity]:
    """Every recorded activity (of one group, if named), newest first."""
    found = []
    for backend in world_backends.each(asg_models.autoscaling_backends):
        found.extend(a for a in _kept(backend) if group_name in (None, a.group_name))
    return _newest_first(found)


def _record(
    group: Any, description: str, cause: str, at: datetime, instance: Any, until: datetime | None
) -> None:
    kept = _kept(group.autoscaling_backend)
    details = {}
    subnet = getattr(instance, "subnet_id", None)
    if subnet:
        details["Subnet ID"] = subnet
    details["Availability Zone"] = instance.placement.zone
    kept.append(
        Activity(
            activity_id=str(mock_random.uuid4()),
            group_name=group.name,
            group_arn=group.arn,
            description=description,
            cause=cause,
            start_time=at,
            details=details,
            drains_until=until,
            sequence=len(kept),
        )
    )


def _kept(backend: Any) -> list[Activity]:
    return backend.__dict__.setdefault("turnout_scaling_activities", [])


def _newest_first(found: list[Activity]) -> list[Activity]:
    return sorted(found, key=lambda a: (a.start_time, a.sequence), reverse=True)


def _describe_scaling_activities(time: WorldTime, self: Any) -> ActionResult:
    """DescribeScalingActivities: filters, AWS's order, MaxRecords and NextToken."""
    now = time.now()
    backend = self.autoscaling_backend
    name = self._get_param("AutoScalingGroupName")
    wanted = set(self._get_param("ActivityIds") or [])
    include_deleted = bool(self._get_param("IncludeDeletedGroups"))
    max_records = int(self._get_param("MaxRecords") or MAX_RECORDS)
    if not 1 <= max_records <= MAX_RECORDS:
        raise ValidationError(
            f"1 validation error detected: Value '{max_records}' at 'maxRecords' failed to "
            f"satisfy constraint: Member must have value less than or equal to {MAX_RECORDS}"
        )
    found = [
        a
        for a in _kept(backend)
        if (name is None or a.group_name == name)
        and (not wanted or a.activity_id in wanted)
        and (include_deleted or a.group_name in backend.autoscaling_groups)
    ]
    # AWS: "Activities are sorted by the start time. Activities still in progress appear first."
    ordered = _newest_first(found)
    ordered.sort(key=lambda a: a.status_at(now) == "Successful")
    start = _offset(self._get_param("NextToken"), len(ordered))
    page = ordered[start : start + max_records]
    token = str(start + max_records) if start + max_records < len(ordered) else None
    return ActionResult({"Activities": [_shape(a, now, backend) for a in page], "NextToken": token})


def _offset(token: str | None, size: int) -> int:
    if token is None:
        return 0
    if not token.isdigit() or int(token) > size:
        raise ValidationError("The NextToken value is invalid.")
    return int(token)


def _shape(activity: Activity, now: datetime, backend: Any) -> dict[str, Any]:
    status = activity.status_at(now)
    shape: dict[str, Any] = {
        "ActivityId": activity.activity_id,
        "AutoScalingGroupName": activity.group_name,
        "AutoScalingGroupARN": activity.group_arn,
        "Description": activity.description,
        "Cause": activity.cause,
        "StartTime": activity.start_time,
        "StatusCode": status,
        "Progress": 100 if status == "Successful" else 50,
        "Details": json.dumps(activity.details, separators=(",", ":")),
    }
    end = activity.end_time(now)
    if end is not None:
        shape["EndTime"] = end
    if activity.group_name not in backend.autoscaling_groups:
        shape["AutoScalingGroupState"] = "Deleted"
    return shape
