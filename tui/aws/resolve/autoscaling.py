"""Auto Scaling names to resources: a group, and one of its in-service instances."""

from __future__ import annotations

from typing import Any

from tui.aws.resolve.missing import first, not_found


def auto_scaling_group(autoscaling: Any, name: str, account: str | None = None) -> dict[str, Any]:
    """The Auto Scaling group called `name`, as DescribeAutoScalingGroups shows it (never
    cached: its sizes and instances change)."""
    return first(
        autoscaling,
        "describe_auto_scaling_groups",
        "AutoScalingGroups",
        "Auto Scaling group",
        name,
        account=account,
        AutoScalingGroupNames=[name],
    )


def in_service_instance(autoscaling: Any, group: str, account: str | None = None) -> str:
    """One InService, Healthy instance of `group` (the lowest id, so a retry picks the same)."""
    members = auto_scaling_group(autoscaling, group, account).get("Instances", [])
    ready = sorted(
        m["InstanceId"]
        for m in members
        if m.get("LifecycleState") == "InService" and m.get("HealthStatus") == "Healthy"
    )
    if not ready:
        raise not_found(
            autoscaling,
            "DescribeAutoScalingGroups",
            "InService, Healthy instance in Auto Scaling group",
            group,
            account=account,
            advice="wait until the group has one, or name the instance with `instance`",
        )
    return ready[0]
