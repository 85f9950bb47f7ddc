"""Guardrail evaluation: from the datapoints of one poll to a decision. Pure: no I/O.

How datapoints are counted (docs/engine.md says the same for operators):

- A guardrail's **period** is the longest period of the metrics it reads. Time is cut into
  periods aligned to the epoch (a datapoint's timestamp is the start of its period, as
  CloudWatch returns it); each period gives at most one **slot**.
- The slots watched run from the period containing the moment the step started (or the last
  slot an operator already answered for, see `Watch.acknowledge`) to the period containing now.
- A slot with a value is **breaching** when the value is outside the band (`min`/`max`).
  Metric math (`expr`) is evaluated per slot over the metrics' values in that slot; a metric
  with no value, or a division by zero, makes the slot **missing**.
- The period containing now is still filling up: it counts once it has a value, and is never
  missing (CloudWatch may simply not have it yet). An earlier period without a value is missing.
- The **run** is the number of breaching slots at the end of the series. `missing_data`
  decides what a missing slot does to it: `breach` counts it as breaching; `ignore` skips it
  (neither counts nor ends the run); `pause` skips it too, but `for` missing slots in a row
  at the end stop the run and ask a person (a `pause` decision, whatever `on_breach` says).
- The guardrail **triggers** when the run reaches `for`: its `on_breach` decision is taken.
- `all:` holds when every inner condition holds (a slot breaches if any inner condition is out
  of band); `any:` holds when at least one does (a slot breaches when all are out of band).
  Missing inner values follow three-valued logic: a slot is missing when the known values do
  not settle it. A group's value is the number of inner conditions out of band, so its band is
  `max 0` (all) or `max n-1` (any).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.aws.protocol import Series, SeriesRequest
from tui.runbook.expr import evaluate
from tui.runbook.model import (
    Condition,
    ExprCondition,
    GroupCondition,
    Guardrail,
    Metric,
    MetricCondition,
    MissingData,
    ResourceRef,
    Threshold,
)

MAX_WINDOW = 3 * 3600
"""The longest history asked of CloudWatch in one poll (a long refresh watches older slots no
further back than this)."""
HISTORY = 15
"""Slots of history kept for sparklines."""


def metric_key(metric: Metric) -> str:
    """A stable key for one metric: two guardrails reading the same metric share one query."""
    dims = ",".join(
        f"{k}={f'{v.kind}:{v.name}' if isinstance(v, ResourceRef) else v}"
        for k, v in sorted(metric.dimensions.items())
    )
    return f"{metric.namespace}|{metric.name}|{metric.stat}|{int(metric.period)}|{dims}"


def condition_metrics(condition: Condition) -> dict[str, Metric]:
    """Every metric a metric/expr/group condition reads, by `metric_key`."""
    if isinstance(condition, MetricCondition):
        return {metric_key(condition.metric): condition.metric}
    if isinstance(condition, ExprCondition):
        return {metric_key(m): m for m in condition.metrics.values()}
    if isinstance(condition, GroupCondition):
        found: dict[str, Metric] = {}
        for inner in condition.conditions:
            found.update(condition_metrics(inner))
        return found
    return {}


def condition_period(condition: Condition) -> int:
    """The period slots are cut into: the longest period of the metrics read."""
    periods = [int(m.period) for m in condition_metrics(condition).values()]
    return max(periods) if periods else 60


def series_requests(metrics: Mapping[str, Metric], window: int) -> list[SeriesRequest]:
    """One single-metric `SeriesRequest` per distinct metric (math is evaluated per slot here,
    so the audit log can show every metric's value beside the result)."""
    return [
        SeriesRequest(key=key, metrics={"m": metric}, period=int(metric.period), window=window)
        for key, metric in sorted(metrics.items())
    ]


def bucket(moment: datetime, period: int) -> int:
    """The index of the period containing `moment` (periods aligned to the epoch)."""
    return math.floor(moment.timestamp() / period)


def bucket_start(index: int, period: int) -> datetime:
    """When period `index` begins."""
    return datetime.fromtimestamp(index * period, UTC)


@dataclass(frozen=True)
class Slot:
    """One period of one condition: its value and whether it breaches (None: missing)."""

    index: int
    value: float | None
    breached: bool | None
    metrics: Mapping[str, float | None] = field(default_factory=dict)


def _by_bucket(series: Series | None, period: int) -> dict[int, float]:
    found: dict[int, float] = {}
    for moment, value in series.points if series is not None else ():
        if value is not None and not math.isnan(value):
            found[bucket(moment, period)] = float(value)
    return found


def condition_slots(
    condition: Condition, series: Mapping[str, Series], period: int, indexes: Sequence[int]
) -> list[Slot]:
    """The condition's slot for each period index (metric, expr or group conditions)."""
    if isinstance(condition, MetricCondition):
        values = _by_bucket(series.get(metric_key(condition.metric)), period)
        name = condition.metric.name
        return [
            _slot(i, values.get(i), condition.threshold, {name: values.get(i)}) for i in indexes
        ]
    if isinstance(condition, ExprCondition):
        per_metric = {
            mid: _by_bucket(series.get(metric_key(m)), period)
            for mid, m in condition.metrics.items()
        }
        slots = []
        for i in indexes:
            seen = {mid: values.get(i) for mid, values in per_metric.items()}
            slots.append(_slot(i, evaluate(condition.tree, seen), condition.threshold, seen))
        return slots
    if isinstance(condition, GroupCondition):
        inner = [condition_slots(c, series, period, indexes) for c in condition.conditions]
        return [
            _group_slot(condition.kind, i, [s[n] for s in inner]) for n, i in enumerate(indexes)
        ]
    raise TypeError(f"{type(condition).__name__} cannot be a guardrail signal")


def _slot(
    index: int, value: float | None, threshold: Threshold, metrics: Mapping[str, float | None]
) -> Slot:
    breached = None if value is None else threshold.breached(value)
    return Slot(index, value, breached, dict(metrics))


def _group_slot(kind: str, index: int, inner: list[Slot]) -> Slot:
    states = [s.breached for s in inner]
    metrics: dict[str, float | None] = {}
    for slot in inner:
        metrics.update(slot.metrics)
    known_bad = sum(1 for b in states if b is True)
    if kind == "all":  # holds when every inner holds
        breached = True if known_bad else (None if None in states else False)
    else:  # any: holds when at least one holds
        breached = False if False in states else (None if None in states else True)
    value = None if breached is None else float(known_bad)
    return Slot(index, value, breached, metrics)


def group_threshold(condition: GroupCondition) -> Threshold:
    """The band a group's value (inner conditions out of band) must stay in."""
    return Threshold(None, 0.0 if condition.kind == "all" else len(condition.conditions) - 1.0)


def guardrail_threshold(guardrail: Guardrail) -> Threshold:
    """The band shown for a guardrail (a group's is `group_threshold`)."""
    condition = guardrail.condition
    if isinstance(condition, GroupCondition):
        return group_threshold(condition)
    return condition.threshold  # type: ignore[union-attr]


@dataclass(frozen=True)
class Evaluation:
    """One guardrail at one poll."""

    guardrail: Guardrail
    value: float | None  # the newest slot with data (None: no data in the slots watched)
    metrics: Mapping[str, float | None]  # the metric values in that slot
    metric_time: datetime | None  # that slot's start
    latest_breaching: bool  # the newest slot with data is out of band
    run: int  # breaching slots at the end of the series (see the module docstring)
    missing_run: int  # missing complete slots at the end of the series
    decision: str | None  # warn | pause | rollback when it triggered at this poll
    no_data: bool  # the decision (a pause) is for missing data, not a breach
    points: tuple[tuple[datetime, float], ...] = ()
    slots: int = 0  # complete-or-filled slots watched

    @property
    def needed(self) -> int:
        """The guardrail's `for`."""
        return self.guardrail.consecutive


def evaluate_guardrail(
    guardrail: Guardrail,
    series: Mapping[str, Series],
    since: datetime,
    now: datetime,
    after: int | None = None,
) -> Evaluation:
    """Evaluate `guardrail` over the slots from `since` to `now` (only slots after index
    `after`, when an operator already answered for the ones up to it)."""
    period = condition_period(guardrail.condition)
    last = bucket(now, period)
    first = max(bucket(since, period), last - MAX_WINDOW // period)
    if after is not None:
        first = max(first, after + 1)
    slots = condition_slots(guardrail.condition, series, period, range(first, last + 1))
    if slots and slots[-1].value is None and slots[-1].breached is None:
        slots = slots[:-1]  # the period now filling up counts only once it has a value
    policy = guardrail.missing_data
    run = 0
    for slot in reversed(slots):
        if slot.breached is True or (slot.breached is None and policy is MissingData.BREACH):
            run += 1
        elif slot.breached is None:
            continue
        else:
            break
    missing_run = 0
    for slot in reversed(slots):
        if slot.breached is not None:
            break
        missing_run += 1
    with_data = [s for s in slots if s.value is not None]
    newest = with_data[-1] if with_data else None
    decision, no_data = None, False
    if run >= guardrail.consecutive:
        decision = str(guardrail.on_breach)
    elif policy is MissingData.PAUSE and missing_run >= guardrail.consecutive:
        decision, no_data = "pause", True
    return Evaluation(
        guardrail=guardrail,
        value=newest.value if newest else None,
        metrics=dict(newest.metrics) if newest else {},
        metric_time=bucket_start(newest.index, period) if newest else None,
        latest_breaching=bool(newest and newest.breached),
        run=run,
        missing_run=missing_run,
        decision=decision,
        no_data=no_data,
        points=tuple(
            (bucket_start(s.index, period), s.value)  # type: ignore[misc]
            for s in with_data[-HISTORY:]
        ),
        slots=len(slots),
    )


class Watch:
    """The guardrails of one step, watched from `since` (the step's start) across polls.

    Evaluation is stateless over the datapoints; the only state is what operators answered:
    after a warn, an override or a "continue", the slots shown are acknowledged and the
    guardrail triggers again only after `for` more breaching slots.
    """

    def __init__(self, guardrails: Sequence[Guardrail], since: datetime) -> None:
        self.guardrails = tuple(guardrails)
        self.since = since
        self._after: dict[str, int] = {}
        self.metrics: dict[str, Metric] = {}
        for guardrail in self.guardrails:
            self.metrics.update(condition_metrics(guardrail.condition))

    def window(self, now: datetime) -> int:
        """Seconds of history a poll asks for: back to the start, within MAX_WINDOW."""
        periods = [condition_period(g.condition) for g in self.guardrails] or [60]
        longest = max(periods)
        needed = max((g.consecutive for g in self.guardrails), default=1) + 2
        span = int((now - self.since).total_seconds()) + 2 * longest
        return max(longest * max(needed, HISTORY), min(span, MAX_WINDOW))

    def requests(self, now: datetime) -> list[SeriesRequest]:
        """What to fetch for one poll: every distinct metric once."""
        return series_requests(self.metrics, self.window(now))

    def evaluate(self, series: Mapping[str, Series], now: datetime) -> list[Evaluation]:
        """Every guardrail at this poll."""
        return [
            evaluate_guardrail(g, series, self.since, now, self._after.get(g.name))
            for g in self.guardrails
        ]

    def only_after(self, moment: datetime) -> None:
        """Count only periods that begin after `moment` (post-rollback verification)."""
        for guardrail in self.guardrails:
            self._after[guardrail.name] = bucket(moment, condition_period(guardrail.condition))

    def acknowledge(self, evaluation: Evaluation, now: datetime) -> None:
        """An operator answered for this guardrail's slots up to now: count only later ones."""
        period = condition_period(evaluation.guardrail.condition)
        self._after[evaluation.guardrail.name] = bucket(now, period)
