"""The `cloudwatch.put_alarm` driver: a metric alarm (e.g. EC2 recover on a failed system status
check, with an SNS notification); undo deletes a new alarm or puts back the old definition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.runbook.model import Step

# The members of a MetricAlarm that PutMetricAlarm takes back: the definition, not its state.
_DEFINITION = (
    "AlarmName",
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
)
# What must match for an alarm in AWS to be the one this step puts (find_started).
_IDENTITY = (
    "Namespace",
    "MetricName",
    "Statistic",
    "Period",
    "EvaluationPeriods",
    "Threshold",
    "ComparisonOperator",
)


def definition(alarm: Mapping[str, Any]) -> dict[str, Any]:
    """An alarm as DescribeAlarms shows it, reduced to PutMetricAlarm's parameters."""
    return {key: alarm[key] for key in _DEFINITION if alarm.get(key) is not None}


class PutAlarmDriver(Driver):
    """PutMetricAlarm with the step's metric, threshold and actions; done at once."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.name = str(self.args["name"])
        self.instance_id: str | None = None

    def _alarm(self) -> dict[str, Any] | None:
        return self.ctx.resolve.find_alarm(self.name)

    def _instance(self) -> str | None:
        if self.instance_id is None and self.args.get("instance"):
            found = self.ctx.resolve.ec2_instance(str(self.args["instance"]))
            self.instance_id = str(found["InstanceId"])
        return self.instance_id

    def capture(self) -> dict[str, Any]:
        """The alarm's definition before the change, or None when there is no such alarm."""
        instance = self._instance()
        before = self._alarm()
        return {
            "name": self.name,
            "instance_id": instance,
            "previous": definition(before) if before else None,
        }

    def request(self) -> dict[str, Any]:
        """PutMetricAlarm's parameters for this step."""
        a = self.args
        instance = self._instance()
        dimensions = {"InstanceId": instance} if instance else dict(a.get("dimensions") or {})
        actions = []
        if a.get("ec2_action"):
            region = self.client("cloudwatch").meta.region_name
            actions.append(f"arn:aws:automate:{region}:ec2:{a['ec2_action']}")
        actions += list(a.get("notify") or [])
        return {
            "AlarmName": self.name,
            "AlarmDescription": str(a.get("description") or ""),
            "ActionsEnabled": True,
            "AlarmActions": actions,
            "Namespace": str(a["namespace"]),
            "MetricName": str(a["metric"]),
            "Statistic": str(a["stat"]),
            "Dimensions": [{"Name": k, "Value": str(v)} for k, v in dimensions.items()],
            "Period": int(a["period"]),
            "EvaluationPeriods": int(a["evaluation_periods"]),
            "Threshold": float(a["threshold"]),
            "ComparisonOperator": str(a["comparison"]),
        }

    def start(self) -> Progress:
        """PutMetricAlarm."""
        call(self.client("cloudwatch"), "put_metric_alarm", self.name, **self.request())
        return self.poll()

    def poll(self) -> Progress:
        """The alarm as CloudWatch now shows it."""
        alarm = self._alarm()
        if alarm is None:
            return Progress("failed", f"Alarm {self.name} is missing", reason="not found after put")
        return Progress("done", _describe(alarm), 100.0, {"alarm": _detail(alarm)})

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """Whether CloudWatch already has the alarm as the step defines it."""
        alarm = self._alarm()
        if alarm is None:
            return False
        wanted = self.request()
        return all(alarm.get(k) == wanted[k] for k in _IDENTITY) and _same(
            alarm, wanted, "Dimensions", "AlarmActions"
        )

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """DeleteAlarms for an alarm the step created; PutMetricAlarm of the old definition for
        one it changed."""
        cloudwatch = self.client("cloudwatch")
        previous = captured.get("previous")
        if previous is None:
            call(cloudwatch, "delete_alarms", self.name, AlarmNames=[self.name])
            summary = f"Deleted alarm {self.name} (it did not exist before the step)"
        else:
            call(cloudwatch, "put_metric_alarm", self.name, **dict(previous))
            summary = f"Alarm {self.name} has its previous definition again"
        self.undo_progress = Progress("done", summary, 100.0)
        return self.undo_progress


def _same(alarm: Mapping[str, Any], wanted: Mapping[str, Any], *keys: str) -> bool:
    def canonical(value: Any) -> list[str]:
        return sorted(repr(sorted(v.items())) if isinstance(v, dict) else str(v) for v in value)

    return all(canonical(alarm.get(k) or []) == canonical(wanted.get(k) or []) for k in keys)


def _detail(alarm: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": alarm["AlarmName"],
        "state": alarm.get("StateValue"),
        "metric": f"{alarm.get('Namespace')}/{alarm.get('MetricName')}",
        "dimensions": {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])},
        "threshold": alarm.get("Threshold"),
        "comparison": alarm.get("ComparisonOperator"),
        "actions": list(alarm.get("AlarmActions", [])),
    }


def _describe(alarm: Mapping[str, Any]) -> str:
    detail = _detail(alarm)
    dims = ", ".join(f"{k}={v}" for k, v in detail["dimensions"].items())
    actions = ", ".join(detail["actions"]) or "no actions"
    return (
        f"Alarm {detail['name']} ({detail['state']}) on {detail['metric']} [{dims}] "
        f"{detail['comparison']} {detail['threshold']:g}: {actions}"
    )


DRIVERS = {"cloudwatch.put_alarm": PutAlarmDriver}
