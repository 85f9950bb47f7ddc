"""One-line, human wording of conditions and guardrails, shared by the plan and the UI."""

from __future__ import annotations

from tui.runbook.model import (
    Condition,
    ExprCondition,
    GroupCondition,
    Guardrail,
    HealthyTargetsCondition,
    Metric,
    MetricCondition,
    ResourceRef,
    Route53TtlCondition,
    StatusCondition,
    Threshold,
)


def value_text(value: float) -> str:
    """A measured value at the precision a person reads: `1234`, `48.3`, `0.42` (CloudWatch's
    averages come with more digits than mean anything)."""
    size = abs(value)
    if size >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def threshold_text(threshold: Threshold) -> str:
    """`≤ 1`, `≥ 10` or `between 10 and 90`: the healthy band."""
    low, high = threshold.minimum, threshold.maximum
    if low is not None and high is not None:
        return f"between {_number(low)} and {_number(high)}"
    return f"≤ {_number(high)}" if high is not None else f"≥ {_number(low)}"


def metric_text(metric: Metric) -> str:
    """`AWS/RDS ReplicaLag Maximum/1m {DBInstanceIdentifier=orders-db}`."""
    dims = ", ".join(
        f"{k}={f'{v.kind}:{v.name}' if isinstance(v, ResourceRef) else v}"
        for k, v in metric.dimensions.items()
    )
    return f"{metric.namespace} {metric.name} {metric.stat}/{metric.period}" + (
        f" {{{dims}}}" if dims else ""
    )


def condition_text(condition: Condition) -> str:
    """What must hold, in one line."""
    if isinstance(condition, MetricCondition):
        metric = condition.metric
        return f"{metric.name} ({metric.stat}) {threshold_text(condition.threshold)}"
    if isinstance(condition, ExprCondition):
        return f"{condition.expr} {threshold_text(condition.threshold)}"
    if isinstance(condition, Route53TtlCondition):
        kind = f" {condition.type}" if condition.type else ""
        return f"TTL of {condition.record}{kind} (zone {condition.zone}) ≤ {condition.maximum}s"
    if isinstance(condition, StatusCondition):
        what = "Blue/Green deployment" if condition.kind == "blue_green_status" else "DB instance"
        return f"{what} {condition.resource} is {condition.status}"
    if isinstance(condition, HealthyTargetsCondition):
        return f"at least {condition.minimum} healthy targets in {condition.target_group}"
    if isinstance(condition, GroupCondition):
        joined = "; ".join(condition_text(c) for c in condition.conditions)
        return f"{condition.kind} of: ({joined})"
    raise TypeError(condition)


def guardrail_text(guardrail: Guardrail) -> str:
    """`error rate: 100 * errors / requests ≤ 1 for 3 → rollback (ask 5m)`."""
    timeout = f" after asking for {guardrail.confirm_timeout}" if guardrail.confirm_timeout else ""
    return (
        f"{guardrail.name}: {condition_text(guardrail.condition)} "
        f"(breach {guardrail.consecutive}x in a row → {guardrail.on_breach}{timeout}; "
        f"missing data: {guardrail.missing_data})"
    )
