"""Preconditions: checked once before a step, each giving the value it saw. Pure but for the
`Cloud` it is handed.

Metric and metric-math conditions read the newest datapoint within the last five periods (at
least five minutes), all of a step's metrics in one `cloud.fetch`; no datapoint fails the
check ("no data"), never passes it. Other conditions are read with `cloud.read` and compared
here. A `CloudError` while reading fails the check with AWS's message as the value seen, unless
AWS refused the session itself (`CloudError.blocked`: credentials, a permission, throttling):
that is raised, for the step to ask BLOCKED (a refused read proves nothing about the world, and
failing the check on it refused the step, exit 5, for want of a permission).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tui.aws.protocol import Cloud, CloudError, Series
from tui.engine.guardrails import (
    bucket,
    condition_metrics,
    condition_period,
    condition_slots,
    series_requests,
)
from tui.runbook.describe import condition_text, threshold_text
from tui.runbook.model import (
    Condition,
    ExprCondition,
    GroupCondition,
    HealthyTargetsCondition,
    MetricCondition,
    Route53TtlCondition,
    StatusCondition,
    Threshold,
)


@dataclass(frozen=True)
class Check:
    """One precondition as checked: did it hold, what was seen, what was expected."""

    label: str
    ok: bool
    value: Any
    text: str  # for people: "ReplicaLag (Maximum) is 45 (must be ≤ 1)"
    expected: Mapping[str, Any] = field(default_factory=dict)
    condition: Condition | None = None


def _expected(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, MetricCondition | ExprCondition):
        return _band(condition.threshold)
    if isinstance(condition, Route53TtlCondition):
        return {"max": condition.maximum}
    if isinstance(condition, StatusCondition):
        return {"is": condition.status}
    if isinstance(condition, HealthyTargetsCondition):
        return {"min": condition.minimum}
    if isinstance(condition, GroupCondition):
        return {condition.kind: [condition_text(c) for c in condition.conditions]}
    return {}


def _band(threshold: Threshold) -> dict[str, Any]:
    band: dict[str, Any] = {}
    if threshold.minimum is not None:
        band["min"] = threshold.minimum
    if threshold.maximum is not None:
        band["max"] = threshold.maximum
    return band


def label_of(condition: Condition) -> str:
    """The condition's name in the runbook, else its wording."""
    return condition.label or condition_text(condition)


def check_all(cloud: Cloud, conditions: Sequence[Condition], now: datetime) -> list[Check]:
    """Check every condition; metric ones share one fetch."""
    metrics: dict[str, Any] = {}
    for condition in conditions:
        metrics.update(condition_metrics(condition))
    series: dict[str, Series] = {}
    fetch_error: str | None = None
    if metrics:
        longest = max(int(m.period) for m in metrics.values())
        try:
            series = cloud.fetch(series_requests(metrics, max(5 * longest, 300)), now)
        except CloudError as exc:
            if exc.blocked:
                raise
            fetch_error = str(exc)
    return [_check(cloud, c, series, now, fetch_error) for c in conditions]


def _check(
    cloud: Cloud,
    condition: Condition,
    series: Mapping[str, Series],
    now: datetime,
    fetch_error: str | None,
) -> Check:
    label, expected = label_of(condition), _expected(condition)
    if isinstance(condition, MetricCondition | ExprCondition):
        return _metric_check(condition, series, now, fetch_error, label, expected)
    if isinstance(condition, GroupCondition):
        inner = [_check(cloud, c, series, now, fetch_error) for c in condition.conditions]
        ok = all(c.ok for c in inner) if condition.kind == "all" else any(c.ok for c in inner)
        return Check(
            label,
            ok,
            [c.value for c in inner],
            f"{condition.kind} of: " + "; ".join(c.text for c in inner),
            expected,
            condition,
        )
    try:
        reading = cloud.read(condition)
    except CloudError as exc:
        if exc.blocked:
            raise
        return Check(label, False, None, f"could not read: {exc}", expected, condition)
    return Check(
        label, _holds(condition, reading.value), reading.value, reading.text, expected, condition
    )


def _holds(condition: Condition, value: Any) -> bool:
    if value is None:
        return False
    if isinstance(condition, Route53TtlCondition):
        return float(value) <= condition.maximum
    if isinstance(condition, StatusCondition):
        return str(value).casefold() == condition.status.casefold()
    if isinstance(condition, HealthyTargetsCondition):
        return float(value) >= condition.minimum
    return False


def _metric_check(
    condition: MetricCondition | ExprCondition,
    series: Mapping[str, Series],
    now: datetime,
    fetch_error: str | None,
    label: str,
    expected: dict[str, Any],
) -> Check:
    band = threshold_text(condition.threshold)
    what = (
        f"{condition.metric.name} ({condition.metric.stat})"
        if isinstance(condition, MetricCondition)
        else condition.expr
    )
    errors = [s.error for s in series.values() if s.error] if not fetch_error else [fetch_error]
    period = condition_period(condition)
    since = now - timedelta(seconds=max(5 * period, 300))
    slots = condition_slots(
        condition, series, period, range(bucket(since, period), bucket(now, period) + 1)
    )
    newest = next((s for s in reversed(slots) if s.value is not None), None)
    if newest is None:
        why = f"could not read it: {errors[0]}" if errors else "no datapoint in the last periods"
        return Check(
            label, False, None, f"{what}: no data ({why}); must be {band}", expected, condition
        )
    value = round(newest.value, 6)  # type: ignore[arg-type]
    ok = not newest.breached
    return Check(label, ok, value, f"{what} is {value:g} (must be {band})", expected, condition)
