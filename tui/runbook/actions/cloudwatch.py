"""CloudWatch actions: an alarm, e.g. one that recovers an instance on a system-check failure."""

from __future__ import annotations

from typing import Any

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

COMPARISONS = (
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)


def _alarm_shape(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    period = args.get("period")
    if period is not None and period not in (10, 30) and period % 60:
        found.append(("period", "CloudWatch accepts a period of 10s, 30s or a multiple of 60s"))
    if args.get("ec2_action") and not args.get("instance"):
        found.append(("ec2_action", "ec2_action needs `instance`: the instance it acts on"))
    if args.get("instance") and args.get("dimensions"):
        found.append(("dimensions", "give `instance` or `dimensions`, not both"))
    return found


PUT_ALARM = ActionSpec(
    name="cloudwatch.put_alarm",
    summary="Create or update a CloudWatch metric alarm (for example the EC2 recover action on "
    "StatusCheckFailed_System).",
    risk=Risk.MUTATING,
    args=(
        arg("name", T.STRING, "The alarm's name.", required=True),
        arg("namespace", T.STRING, "The metric's namespace, e.g. AWS/EC2.", required=True),
        arg("metric", T.STRING, "The metric's name, e.g. StatusCheckFailed_System.", required=True),
        arg(
            "stat",
            T.STRING,
            "The statistic.",
            default="Maximum",
            choices=("Average", "Sum", "Minimum", "Maximum", "SampleCount"),
        ),
        arg(
            "instance",
            T.STRING,
            "The EC2 instance (Name tag or id); sets the InstanceId dimension.",
        ),
        arg(
            "dimensions",
            T.STRING_MAP,
            "The metric's dimensions, when not an instance's.",
            default={},
        ),
        arg("period", T.DURATION, "The evaluation period.", default=Duration(60), minimum=10),
        arg("evaluation_periods", T.INTEGER, "Periods that must breach.", default=2, minimum=1),
        arg("threshold", T.NUMBER, "The threshold.", required=True),
        arg(
            "comparison",
            T.STRING,
            "How the statistic is compared to the threshold.",
            default="GreaterThanOrEqualToThreshold",
            choices=COMPARISONS,
        ),
        arg(
            "ec2_action",
            T.STRING,
            "An EC2 action for the alarm (arn:aws:automate:REGION:ec2:ACTION).",
            choices=("recover", "reboot", "stop", "terminate"),
        ),
        arg("notify", T.STRING_LIST, "SNS topic ARNs notified when the alarm fires.", default=[]),
        arg("description", T.STRING, "The alarm's description.", default=""),
    ),
    operations=("ec2.DescribeInstances", "cloudwatch.DescribeAlarms", "cloudwatch.PutMetricAlarm"),
    undo="Deletes the alarm if it did not exist before; otherwise puts back its previous"
    " definition.",
    undo_operations=("cloudwatch.DeleteAlarms", "cloudwatch.PutMetricAlarm"),
    records="The alarm's definition before the change, or that there was none.",
    rules=(_alarm_shape,),
)

ACTIONS = (PUT_ALARM,)
