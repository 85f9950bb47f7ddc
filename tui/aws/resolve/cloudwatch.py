"""CloudWatch names to resources: a metric alarm."""

from __future__ import annotations

from typing import Any

from tui.aws.resolve.missing import first_or_none


def find_alarm(cloudwatch: Any, name: str) -> dict[str, Any] | None:
    """The metric alarm called `name`, as DescribeAlarms shows it, or None if there is none."""
    return first_or_none(cloudwatch, "describe_alarms", "MetricAlarms", name, AlarmNames=[name])
