"""EC2 status checks that can fail: DescribeInstanceStatus and the StatusCheckFailed metrics.

moto reports every running instance's system and instance status checks as `ok` and publishes
no status-check metrics, so a `StatusCheckFailed_System` alarm (and its recover action) could
never fire. With this extension the world can say a check fails:
- `set_system_status_failed(time, instance_id, failed)` (the host has a problem: AWS's recover
  action fixes it) and `set_instance_status_failed(time, instance_id, failed)` (the instance's
  own problem), `time` being the world's `WorldTime`;
- DescribeInstanceStatus then shows that check `impaired`, its `reachability` detail `failed`
  with ImpairedSince, as EC2 documents;
- every minute each running instance publishes AWS/EC2 `StatusCheckFailed_System`,
  `StatusCheckFailed_Instance` and `StatusCheckFailed` (0 or 1, dimension InstanceId), as EC2
  does, stamped with the world's time; stopped instances publish nothing.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.models import MetricDatum, cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources
from tui.rehearsal.fidelity.world_time import WorldTime

DEFAULT_REGION = "us-east-1"
_RUNNING = 16
_MAX_BACKFILL_MINUTES = 1440


def _instance(instance_id: str, account_id: str, region: str) -> Instance:
    return ec2_backends[account_id][region].get_instance(instance_id)


def mark_system_status(instance: Instance, failed: bool, at: datetime) -> None:
    """Set the system check of `instance` without catching up first (for alarm actions)."""
    instance.turnout_system_impaired_since = at if failed else None


def set_system_status_failed(
    time: WorldTime,
    instance_id: str,
    failed: bool = True,
    account_id: str = DEFAULT_ACCOUNT_ID,
    region: str = DEFAULT_REGION,
) -> None:
    """World knob: the instance's host fails (or recovers) its system status check from now."""
    with time.lock:
        now = time.now()
        metric_sources.catch_up(now)  # minutes before now keep the old status
        instance = _instance(instance_id, account_id, region)
        if failed != system_status_failed(instance_id, account_id, region):
            mark_system_status(instance, failed, metric_series.naive_utc(now))


def set_instance_status_failed(
    time: WorldTime,
    instance_id: str,
    failed: bool = True,
    account_id: str = DEFAULT_ACCOUNT_ID,
    region: str = DEFAULT_REGION,
) -> None:
    """World knob: the instance itself fails (or passes) its instance status check from now."""
    with time.lock:
        now = time.now()
        metric_sources.catch_up(now)
        instance = _instance(instance_id, account_id, region)
        if failed != (getattr(instance, "turnout_instance_impaired_since", None) is not None):
            instance.turnout_instance_impaired_since = (
                metric_series.naive_utc(now) if failed else None
            )


def system_status_failed(
    instance_id: str, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> bool:
    """Whether the instance's system status check is failing now."""
    instance = _instance(instance_id, account_id, region)
    return getattr(instance, "turnout_system_impaired_since", None) is not None


def _check(instance: Instance, since_attr: str) -> dict[str, Any]:
    if instance.state_code != _RUNNING:
        return {"Status": "not-applicable"}
    since = getattr(instance, since_attr, None)
    if since is None:
        return {"Status": "ok", "Details": [{"Name": "reachability", "Status": "passed"}]}
    return {
        "Status": "impaired",
        "Details": [{"Name": "reachability", "Status": "failed", "ImpairedSince": since}],
    }


def _system_status(self: Instance) -> dict[str, Any]:
    return _check(self, "turnout_system_impaired_since")


def _instance_status(self: Instance) -> dict[str, Any]:
    return _check(self, "turnout_instance_impaired_since")


def publish(now: datetime) -> None:
    """Publish each running instance's status-check metrics for every minute up to `now`."""
    minute = metric_series.align_epoch(metric_series.naive_utc(now), 60)
    for account_id, region, ec2 in metric_sources.loaded_backends(ec2_backends):
        cloudwatch = None
        for instance in ec2.all_instances():
            if instance.state_code != _RUNNING:
                instance.turnout_status_published = None  # resume from the restart, no backfill
                continue
            last = getattr(instance, "turnout_status_published", None)
            start = minute if last is None else last + timedelta(minutes=1)
            start = max(start, minute - timedelta(minutes=_MAX_BACKFILL_MINUTES))
            if start > minute:
                continue
            cloudwatch = cloudwatch or cloudwatch_backends[account_id][region]
            system = 1.0 if getattr(instance, "turnout_system_impaired_since", None) else 0.0
            own = 1.0 if getattr(instance, "turnout_instance_impaired_since", None) else 0.0
            dims = [{"Name": "InstanceId", "Value": instance.id}]
            t = start
            while t <= minute:
                for name, value in (
                    ("StatusCheckFailed_System", system),
                    ("StatusCheckFailed_Instance", own),
                    ("StatusCheckFailed", max(system, own)),
                ):
                    cloudwatch.metric_data.append(
                        MetricDatum("AWS/EC2", name, value, dims, t, unit="Count")
                    )
                t += timedelta(minutes=1)
            instance.turnout_status_published = minute


metric_sources.register_source(publish)


def _publishing_first(time: WorldTime, original: Any) -> Any:
    """Wrap an Instance state change so the minutes it ran until now are published first."""

    def change(self: Instance, *args: Any, **kwargs: Any) -> Any:
        with time.lock:
            publish(time.now())
            return original(self, *args, **kwargs)

    return change


def install(time: WorldTime) -> None:
    """Make moto's status checks report what the world says."""
    patching.patch(Instance, "system_status", property(_system_status))
    patching.patch(Instance, "instance_status", property(_instance_status))
    for name in ("stop", "terminate"):
        # A stopped instance publishes nothing more, so what it published while running must
        # be out before it stops, however long since anyone last asked.
        patching.wrap(Instance, name, functools.partial(_publishing_first, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Publish the status-check metrics due by `now`."""
    publish(now)
