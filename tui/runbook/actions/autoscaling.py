"""Auto Scaling actions: new launch-template versions, instance refreshes, group settings."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

AMI = r"^ami-[0-9a-f]{8,17}$"
SPOT_STRATEGIES = (
    "price-capacity-optimized",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "lowest-price",
)


def launches_above_desired(step: Any) -> bool:
    """An instance refresh that may run above its group's desired capacity (its
    MaxHealthyPercentage over 100): the preflight checks the EC2 quota for it, and its policy
    grants the reads that check makes."""
    high = step.arguments.get("max_healthy_percentage") or 100
    return step.action == "autoscaling.instance_refresh" and high > 100


def _ascending_checkpoints(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    points = args.get("checkpoints") or []
    if any(b <= a for a, b in pairwise(points)):
        found.append(("checkpoints", "checkpoints must go up, e.g. [20, 50, 100]"))
    if args.get("checkpoint_delay") is not None and not points:
        found.append(("checkpoint_delay", "checkpoint_delay needs checkpoints"))
    low, high = args.get("min_healthy_percentage"), args.get("max_healthy_percentage")
    if high is not None and low is not None and not 0 <= high - low <= 100:
        found.append(
            (
                "max_healthy_percentage",
                "must be at least min_healthy_percentage and at most 100 above it",
            )
        )
    return found


def _sizes_in_order(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    low, want, high = args.get("min_size"), args.get("desired_capacity"), args.get("max_size")
    if low is not None and high is not None and low > high:
        return [("min_size", f"min_size {low} is above max_size {high}")]
    if want is not None and (
        (low is not None and want < low) or (high is not None and want > high)
    ):
        return [("desired_capacity", "desired_capacity must lie between min_size and max_size")]
    if all(args.get(name) is None for name in _CHANGES):
        return [
            (None, f"autoscaling.update_group changes nothing: give one of {', '.join(_CHANGES)}")
        ]
    return []


CREATE_TEMPLATE_VERSION = ActionSpec(
    name="launch_template.create_version",
    summary="Add a launch-template version on a new AMI (from an existing version) and make it"
    " the default.",
    risk=Risk.MUTATING,
    args=(
        arg("template", T.STRING, "The launch template's name.", required=True),
        arg("image", T.STRING, "The AMI of the new version.", required=True, pattern=AMI),
        arg("source_version", T.STRING, "The version the new one copies.", default="$Default"),
        arg("instance_type", T.STRING, "Change the instance type too (optional)."),
        arg("description", T.STRING, "The version's description.", default=""),
        arg("set_default", T.BOOLEAN, "Make the new version the template's default.", default=True),
    ),
    operations=(
        "ec2.DescribeLaunchTemplates",
        "ec2.DescribeLaunchTemplateVersions",
        "ec2.CreateLaunchTemplateVersion",
        "ec2.ModifyLaunchTemplate",
    ),
    undo="Makes the version that was the default before the step the default again; the new"
    " version stays, unused.",
    undo_operations=("ec2.ModifyLaunchTemplate",),
    records="The template's default version before the change and the version it created.",
)

INSTANCE_REFRESH = ActionSpec(
    name="autoscaling.instance_refresh",
    summary="Replace a group's instances in batches that keep MinHealthyPercentage in service, "
    "pausing at checkpoints; watch it to the end.",
    risk=Risk.MUTATING,
    args=(
        arg("group", T.STRING, "The Auto Scaling group.", required=True),
        arg("launch_template", T.STRING, "Desired configuration: this launch template (optional)."),
        arg("version", T.STRING, "Its version: $Latest, $Default or a number.", default="$Latest"),
        arg(
            "min_healthy_percentage",
            T.INTEGER,
            "Share of capacity kept in service: sets the batch size.",
            default=90,
            minimum=0,
            maximum=100,
        ),
        arg(
            "max_healthy_percentage",
            T.INTEGER,
            "Capacity allowed above desired while replacing (100-200).",
            minimum=100,
            maximum=200,
        ),
        arg(
            "instance_warmup",
            T.DURATION,
            "Time a new instance gets before it counts as healthy.",
            default=Duration(60),
        ),
        arg(
            "checkpoints",
            T.INTEGER_LIST,
            "Percentages replaced at which the refresh pauses.",
            default=[],
            minimum=1,
            maximum=100,
        ),
        arg("checkpoint_delay", T.DURATION, "How long each checkpoint pause lasts."),
        arg(
            "skip_matching",
            T.BOOLEAN,
            "Leave instances already on the desired configuration.",
            default=True,
        ),
        arg(
            "auto_rollback",
            T.BOOLEAN,
            "Let AWS roll back by itself if the refresh fails.",
            default=True,
        ),
        arg(
            "alarms",
            T.STRING_LIST,
            "CloudWatch alarms that fail the refresh (AlarmSpecification).",
            default=[],
        ),
        arg(
            "timeout",
            T.DURATION,
            "Give up watching after this long.",
            default=Duration(3600),
            minimum=60,
        ),
    ),
    operations=(
        "autoscaling.DescribeAutoScalingGroups",
        "autoscaling.StartInstanceRefresh",
        "autoscaling.DescribeInstanceRefreshes",
        "elbv2.DescribeTargetHealth",  # per-instance health for the progress panel
    ),
    undo="Cancels the refresh if it is still running, then starts AWS's instance-refresh rollback, "
    "which puts the instances back on the configuration they had before.",
    undo_operations=(
        "autoscaling.CancelInstanceRefresh",
        "autoscaling.RollbackInstanceRefresh",
        "autoscaling.DescribeInstanceRefreshes",
    ),
    records="The refresh id and the group's launch template and version before it started.",
    rules=(_ascending_checkpoints,),
)

_CHANGES = (
    "min_size",
    "max_size",
    "desired_capacity",
    "launch_template",
    "on_demand_base_capacity",
    "on_demand_percentage_above_base",
    "spot_allocation_strategy",
    "instance_types",
)

UPDATE_GROUP = ActionSpec(
    name="autoscaling.update_group",
    summary="Change a group's sizes, launch template or mixed-instances (Spot / On-Demand) policy.",
    risk=Risk.MUTATING,
    args=(
        arg("group", T.STRING, "The Auto Scaling group.", required=True),
        arg("min_size", T.INTEGER, "New minimum size.", minimum=0),
        arg("max_size", T.INTEGER, "New maximum size.", minimum=0),
        arg("desired_capacity", T.INTEGER, "New desired capacity.", minimum=0),
        arg("launch_template", T.STRING, "Launch template to use (name)."),
        arg("version", T.STRING, "Its version: $Latest, $Default or a number.", default="$Latest"),
        arg("on_demand_base_capacity", T.INTEGER, "Instances always On-Demand.", minimum=0),
        arg(
            "on_demand_percentage_above_base",
            T.INTEGER,
            "Share On-Demand above the base.",
            minimum=0,
            maximum=100,
        ),
        arg(
            "spot_allocation_strategy",
            T.STRING,
            "How Spot capacity is chosen.",
            choices=SPOT_STRATEGIES,
        ),
        arg(
            "instance_types", T.STRING_LIST, "Instance types the mixed-instances policy may launch."
        ),
    ),
    operations=("autoscaling.DescribeAutoScalingGroups", "autoscaling.UpdateAutoScalingGroup"),
    undo="Puts back the sizes, launch template and mixed-instances policy recorded before the"
    " change.",
    undo_operations=("autoscaling.UpdateAutoScalingGroup",),
    records="The group's sizes, launch template and mixed-instances policy before the change.",
    rules=(_sizes_in_order,),
)

ACTIONS = (CREATE_TEMPLATE_VERSION, INSTANCE_REFRESH, UPDATE_GROUP)
