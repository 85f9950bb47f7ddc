"""Reading preconditions and guardrails: metrics, metric math, thresholds, status checks, groups."""

from __future__ import annotations

import re
from typing import Any

from tui.runbook.actions.checks import BLUE_GREEN_STATUSES, RESOURCE_REFS
from tui.runbook.durations import Duration
from tui.runbook.expr import ExprError, names, parse_expr
from tui.runbook.fields import Fields
from tui.runbook.model import (
    Condition,
    ExprCondition,
    GroupCondition,
    Guardrail,
    HealthyTargetsCondition,
    Metric,
    MetricCondition,
    MissingData,
    ResourceRef,
    Route53TtlCondition,
    Severity,
    StatusCondition,
    Threshold,
)
from tui.runbook.problems import Problems, did_you_mean, one_of
from tui.runbook.source import Node
from tui.runbook.values import INVALID, ValueType, check_node

METRIC_KEYS = ("namespace", "name", "stat", "dimensions", "period")
_STAT = re.compile(
    r"^(Average|Sum|Minimum|Maximum|SampleCount|IQM|(p|tm|wm|tc|ts)\d{1,2}(\.\d+)?|p100)$"
)
_METRIC_ID = re.compile(r"^[a-z][A-Za-z0-9_]*$")
# Which keys each kind of condition may have; the first is the key that names the kind.
PRECONDITION_KINDS: dict[str, tuple[str, ...]] = {
    "metric": ("metric", "min", "max", "name"),
    "expr": ("expr", "metrics", "min", "max", "name"),
    "route53_ttl": ("route53_ttl", "max", "name"),
    "blue_green_status": ("blue_green_status", "is", "name"),
    "db_instance_status": ("db_instance_status", "is", "name"),
    "healthy_targets": ("healthy_targets", "min", "name"),
    "all": ("all", "name"),
    "any": ("any", "name"),
}
SIGNAL_KINDS = ("metric", "expr", "all", "any")
GUARDRAIL_KEYS = (
    "name",
    "metric",
    "expr",
    "metrics",
    "all",
    "any",
    "min",
    "max",
    "for",
    "on_breach",
    "missing_data",
    "confirm_timeout",
    "description",
)
_OWN_KEYS = ("name", "for", "on_breach", "missing_data", "confirm_timeout", "description")
DEFAULT_CONFIRM_TIMEOUT = Duration(300)


def _kind_of(node: Node, kinds: tuple[str, ...], what: str, problems: Problems) -> str | None:
    if node.value is INVALID:
        return None
    if not node.is_mapping:
        problems.add(node.location, f"{what}: expected a mapping naming one of {one_of(kinds)}")
        return None
    present = [k for k in kinds if k in node.value]
    if len(present) == 1:
        return present[0]
    if present:
        problems.add(
            node.location, f"{what}: give only one of {one_of(present)} (use all:/any: to combine)"
        )
        return None
    hints = [did_you_mean(key, kinds) for key in node.value]
    hint = next((h for h in hints if h), "")
    problems.add(node.location, f"{what}: say what to check with one of {one_of(kinds)}{hint}")
    return None


def read_condition(
    node: Node, what: str, problems: Problems, kinds: tuple[str, ...]
) -> Condition | None:
    """One precondition (or, with `kinds=SIGNAL_KINDS`, one guardrail signal) or None if broken."""
    kind = _kind_of(node, kinds, what, problems)
    if kind is None:
        return None
    fields = Fields(node, what, problems, PRECONDITION_KINDS[kind])
    label = fields.get("name", ValueType.STRING) or ""
    label = label if isinstance(label, str) else ""
    return _read_kind(kind, fields, label, what, kinds)


def _read_kind(
    kind: str, fields: Fields, label: str, what: str, kinds: tuple[str, ...]
) -> Condition | None:
    problems, loc = fields.problems, fields.node.location
    if kind in ("all", "any"):
        items = fields.sequence(kind)
        if not items and kind in fields:
            problems.add(fields.value_location(kind), f"{what}.{kind}: list at least one condition")
        parts = [
            read_condition(n, f"{what}.{kind}[{i}]", problems, kinds) for i, n in enumerate(items)
        ]
        if any(p is None for p in parts):
            return None
        return GroupCondition(kind, tuple(p for p in parts if p is not None), label, loc)
    if kind == "metric":
        metric = read_metric(fields.items["metric"], f"{what}.metric", problems)
        threshold = read_threshold(fields, what)
        if metric is None or threshold is None:
            return None
        return MetricCondition(metric, threshold, label or metric.name, loc)
    if kind == "expr":
        return _read_expr(fields, label, what)
    if kind == "route53_ttl":
        return _read_ttl(fields, label, what)
    if kind == "healthy_targets":
        group = fields.get("healthy_targets", ValueType.STRING)
        minimum = fields.get("min", ValueType.INTEGER)
        if "min" not in fields:
            problems.add(
                loc, f"{what}: healthy_targets needs `min`, the fewest healthy targets allowed"
            )
        if not isinstance(group, str) or not isinstance(minimum, int):
            return None
        return HealthyTargetsCondition(group, minimum, label or f"{group} healthy targets", loc)
    resource = fields.get(kind, ValueType.STRING)
    statuses = BLUE_GREEN_STATUSES if kind == "blue_green_status" else None
    status = fields.choice("is", statuses) if statuses else fields.get("is", ValueType.STRING)
    if "is" not in fields:
        problems.add(loc, f"{what}: {kind} needs `is`, the status required, e.g. is: AVAILABLE")
    if not isinstance(resource, str) or not isinstance(status, str):
        return None
    return StatusCondition(kind, resource, status, label or f"{resource} is {status}", loc)


def _read_expr(fields: Fields, label: str, what: str) -> Condition | None:
    problems = fields.problems
    text = fields.get("expr", ValueType.STRING)
    metric_nodes = fields.mapping("metrics")
    if "metrics" not in fields:
        problems.add(
            fields.node.location, f"{what}: expr needs `metrics`, naming each metric it uses"
        )
    metrics: dict[str, Metric | None] = {}
    for name, mnode in metric_nodes.items():
        if not _METRIC_ID.match(name):
            problems.add(
                fields.items["metrics"].key_locations[name],
                f'{what}.metrics: "{name}" must start with a lowercase letter and hold only '
                "letters, digits and _ (a CloudWatch metric-math id)",
            )
        metrics[name] = read_metric(mnode, f"{what}.metrics.{name}", problems)
    threshold = read_threshold(fields, what)
    if not isinstance(text, str):
        return None
    node = fields.items["expr"]
    try:
        tree = parse_expr(text)
    except ExprError as exc:
        problems.add(node.at(exc.offset), f"{what}.expr: {exc}")
        return None
    unknown = [n for n in names(tree) if n.name not in metrics]
    for ref in unknown:
        hint = (
            did_you_mean(ref.name, metrics)
            or f"; define it under metrics: ({', '.join(metrics) or 'none yet'})"
        )
        problems.add(node.at(ref.offset), f"{what}.expr: unknown metric {ref.name}{hint}")
    if unknown or threshold is None or any(m is None for m in metrics.values()):
        return None
    checked = {k: m for k, m in metrics.items() if m is not None}
    return ExprCondition(text, tree, checked, threshold, label or text, fields.node.location)


def _read_ttl(fields: Fields, label: str, what: str) -> Condition | None:
    problems = fields.problems
    spec = Fields(
        fields.items["route53_ttl"],
        f"{what}.route53_ttl",
        problems,
        ("zone", "record", "type"),
        required=("zone", "record"),
    )
    zone = spec.get("zone", ValueType.STRING)
    record = spec.get("record", ValueType.STRING)
    rtype = spec.choice("type", ("A", "AAAA", "CNAME"))
    maximum = fields.get("max", ValueType.INTEGER)
    if "max" not in fields:
        problems.add(
            fields.node.location,
            f"{what}: route53_ttl needs `max`, the longest TTL allowed in seconds",
        )
    if (
        not all(isinstance(v, str) for v in (zone, record))
        or not isinstance(maximum, int)
        or rtype is INVALID
    ):
        return None
    return Route53TtlCondition(
        zone, record, rtype, maximum, label or f"TTL of {record}", fields.node.location
    )


def read_threshold(fields: Fields, what: str) -> Threshold | None:
    """`min`/`max` of a metric condition; at least one is needed."""
    low = fields.get("min", ValueType.NUMBER)
    high = fields.get("max", ValueType.NUMBER)
    if low is None and high is None:
        fields.problems.add(
            fields.node.location,
            f"{what}: no threshold: give max (breach above) and/or min (breach below)",
        )
        return None
    if low is INVALID or high is INVALID:
        return None
    if low is not None and high is not None and low > high:
        fields.problems.add(fields.value_location("min"), f"{what}: min {low} is above max {high}")
        return None
    return Threshold(low, high)


def read_metric(node: Node, what: str, problems: Problems) -> Metric | None:
    """A CloudWatch metric: namespace, name, stat, dimensions, period."""
    fields = Fields(node, what, problems, METRIC_KEYS, required=("namespace", "name", "stat"))
    namespace = fields.get("namespace", ValueType.STRING)
    name = fields.get("name", ValueType.STRING)
    stat = fields.get("stat", ValueType.STRING)
    if isinstance(stat, str) and not _STAT.match(stat):
        hint = did_you_mean(stat, ("Average", "Sum", "Minimum", "Maximum", "SampleCount"))
        problems.add(
            fields.value_location("stat"),
            f"{what}.stat: unknown statistic {stat}{hint or '; e.g. Sum, Average, p99'}",
        )
        stat = INVALID
    period = fields.get("period", ValueType.DURATION, Duration(60))
    if isinstance(period, Duration) and period not in (10, 30) and period % 60:
        problems.add(
            fields.value_location("period"),
            f"{what}.period: CloudWatch periods are 10s, 30s or a multiple of 60s",
        )
        period = INVALID
    dimensions = {
        k: _dimension(v, f"{what}.dimensions.{k}", problems)
        for k, v in fields.mapping("dimensions").items()
    }
    parts: list[Any] = [namespace, name, stat, period, *dimensions.values()]
    if any(p is INVALID or p is None for p in parts):
        return None
    return Metric(namespace, name, stat, dimensions, period)


def _dimension(node: Node, what: str, problems: Problems) -> str | ResourceRef:
    if node.is_mapping:
        fields = Fields(node, what, problems, tuple(RESOURCE_REFS))
        if len(fields.items) != 1:
            problems.add(
                node.location, f"{what}: name one resource, e.g. {{load_balancer: web-alb}}"
            )
            return INVALID
        kind = next(iter(fields.items))
        name = fields.get(kind, ValueType.STRING)
        return (
            ResourceRef(kind, name) if kind in RESOURCE_REFS and isinstance(name, str) else INVALID
        )
    return check_node(node, ValueType.STRING, what, problems)


def read_guardrail(node: Node, what: str, problems: Problems) -> Guardrail | None:
    """A guardrail: signal, threshold, `for`, `on_breach`, `missing_data`, `confirm_timeout`."""
    if node.value is INVALID:
        return None
    if not node.is_mapping:
        problems.add(
            node.location, f"{what}: expected a mapping with name, a signal and a threshold"
        )
        return None
    kind = _kind_of(node, SIGNAL_KINDS, what, problems)
    fields = Fields(node, what, problems, GUARDRAIL_KEYS, required=("name",))
    name = fields.get("name", ValueType.STRING)
    consecutive = fields.get("for", ValueType.INTEGER, 1)
    if isinstance(consecutive, int) and consecutive < 1:
        problems.add(
            fields.value_location("for"), f"{what}.for: breaching datapoints in a row: at least 1"
        )
        consecutive = INVALID
    on_breach = fields.choice("on_breach", [s.value for s in Severity], "pause")
    missing = fields.choice("missing_data", [m.value for m in MissingData], "ignore")
    timeout = fields.get("confirm_timeout", ValueType.DURATION)
    description = fields.get("description", ValueType.STRING, "")
    if timeout is not None and timeout is not INVALID and on_breach in ("warn", "pause"):
        problems.add(
            fields.key_location("confirm_timeout"),
            f"{what}.confirm_timeout: only a rollback guardrail times out into action; "
            f"on_breach is {on_breach}",
        )
    if on_breach == "rollback" and timeout is None:
        timeout = DEFAULT_CONFIRM_TIMEOUT
    if kind is None:
        return None
    for key in fields.items:
        if key in GUARDRAIL_KEYS and key not in _OWN_KEYS and key not in PRECONDITION_KINDS[kind]:
            where = "on each condition inside it" if kind in ("all", "any") else "only with expr:"
            problems.add(
                fields.key_location(key),
                f"{what}.{key}: does not apply to a {kind} guardrail; it belongs {where}",
            )
    sub = node.with_value(
        {k: v for k, v in fields.items.items() if k in PRECONDITION_KINDS[kind]},
    )
    condition = _read_signal(kind, sub, what, problems)
    values = (name, consecutive, on_breach, missing, timeout, description)
    if condition is None or any(v is INVALID for v in values) or not isinstance(name, str):
        return None
    return Guardrail(
        name,
        condition,
        consecutive,
        Severity(on_breach),
        MissingData(missing),
        timeout if on_breach == "rollback" else None,
        node.location,
        (description or "").strip(),
    )


def _read_signal(kind: str, sub: Node, what: str, problems: Problems) -> Condition | None:
    # The guardrail's own keys (for, on_breach...) were checked above; read the signal alone.
    fields = Fields(sub, what, problems, PRECONDITION_KINDS[kind])
    return _read_kind(kind, fields, "", what, SIGNAL_KINDS)
