"""CloudWatch metric alarms evaluated from published data on the world's clock.

moto stores alarms and never evaluates them: a new alarm is OK forever. Here, as PutMetricAlarm
documents, a new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") and is
evaluated at once; then at the end of every period (periods counted from the epoch, in the
world's time) it is evaluated again by `alarm_rules.decide` over its evaluation range. A single
metric (Namespace, MetricName, complete Dimensions, Statistic or ExtendedStatistic, Unit) and a
metric-math `Metrics` list (evaluated by `metric_math.run_queries`; the ReturnData query is the
alarm's series) are both supported. Updating an alarm keeps its state, as on AWS; SetAlarmState
holds only until the next evaluation. State changes are recorded by `alarm_history` and, when
ActionsEnabled, carried out by `alarm_actions`.

Handlers catch up with the world's time before answering, so what DescribeAlarms shows depends
on the world's clock, not on how often someone asks.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.models import Alarm, CloudWatchBackend, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import (
    alarm_history,
    alarm_rules,
    metric_math,
    metric_percentiles,
    metric_series,
    metric_sources,
    metric_store,
)
from tui.rehearsal.fidelity.world_time import WorldTime

# After a long pause only the most recent boundaries are replayed: older ones cannot change the
# state any more than the evaluation range they fall out of.
_MAX_REPLAYED_BOUNDARIES = 1440


def _alarm_period(alarm: Alarm) -> int:
    metrics = getattr(alarm, "turnout_metrics", None) or []
    if metrics:
        periods = [int(m["MetricStat"]["Period"]) for m in metrics if "MetricStat" in m]
        periods += [int(m["Period"]) for m in metrics if m.get("Period")]
        return min(periods) if periods else 60
    return int(alarm.period or 60)


def _slots(alarm: Alarm, backend: CloudWatchBackend, end: datetime) -> tuple[list, str, int]:
    """The evaluation range ending at `end`: (period start, value or None), the stat, the period."""
    period = _alarm_period(alarm)
    count = alarm_rules.evaluation_range(int(alarm.evaluation_periods))
    start = end - timedelta(seconds=count * period)
    values: dict[datetime, float] = {}
    metrics = getattr(alarm, "turnout_metrics", None) or []
    if metrics:
        stat = "MetricMath"
        for query, series in metric_math.run_queries(backend, metrics, start, end, aligned=True):
            if query.get("ReturnData", True) is not False:
                values = series.points
                break
    else:
        stat = alarm.statistic or alarm.extended_statistic or "Average"
        periods = metric_store.of(backend).periods(
            alarm.namespace,
            alarm.metric_name,
            alarm.dimensions,
            alarm.unit,
            start,
            end,
            period,
            aligned=True,
        )
        for stamp, group in periods.items():
            value = metric_percentiles.statistic(stat, group)
            if value is not None:
                values[stamp] = value
    slots = [
        (start + timedelta(seconds=k * period), values.get(start + timedelta(seconds=k * period)))
        for k in range(count)
    ]
    return slots, stat, period


def evaluate(alarm: Alarm, at: datetime) -> None:
    """Evaluate `alarm` as CloudWatch would at world time `at` (naive UTC)."""
    if alarm.rule is not None or alarm.comparison_operator not in alarm_rules.OPERATORS:
        return  # composite and anomaly-detection alarms are not evaluated by this world
    backend = alarm_history.backend_of(alarm)
    end = metric_series.align_epoch(at, _alarm_period(alarm))
    slots, stat, period = _slots(alarm, backend, end)
    n = int(alarm.evaluation_periods)
    decision = alarm_rules.decide(
        slots,
        operator=alarm.comparison_operator,
        threshold=float(alarm.threshold),
        evaluation_periods=n,
        datapoints_to_alarm=int(alarm.datapoints_to_alarm or n),
        treat_missing=alarm.treat_missing_data or "missing",
        query_date=at,
        statistic=stat,
        period=period,
    )
    if decision.state is None:
        return
    if decision.state != alarm.state_value:
        alarm_history.transition(alarm, decision.state, decision.reason, decision.reason_data, at)
    elif alarm.state_reason.startswith("Unchecked"):
        # The first evaluation explains the state; it is no state change, so no history item.
        alarm.state_reason, alarm.state_reason_data = decision.reason, decision.reason_data
        alarm.state_updated_timestamp = at


def _catch_up_alarm(alarm: Alarm, now: datetime) -> None:
    last = getattr(alarm, "turnout_evaluated_at", None)
    if last is None:
        evaluate(alarm, now)
        alarm.turnout_evaluated_at = now
        return
    period = timedelta(seconds=_alarm_period(alarm))
    boundary = metric_series.align_epoch(last, int(period.total_seconds())) + period
    boundaries = []
    while boundary <= now:
        boundaries.append(boundary)
        boundary += period
    for b in boundaries[-_MAX_REPLAYED_BOUNDARIES:]:
        evaluate(alarm, b)
    if boundaries:
        alarm.turnout_evaluated_at = boundaries[-1]


def catch_up(now: datetime) -> None:
    """Evaluate every metric alarm at every period boundary up to `now` (a metric watcher)."""
    moment = metric_series.naive_utc(now)
    for _account, _region, backend in metric_sources.loaded_backends(cloudwatch_backends):
        for alarm in list(backend.alarms.values()):
            if alarm.rule is None:
                _catch_up_alarm(alarm, moment)


metric_sources.register_watcher(catch_up)


def _validate(params: dict[str, Any]) -> None:
    n = int(params.get("EvaluationPeriods") or 0)
    m = params.get("DatapointsToAlarm")
    if m is not None and not 1 <= int(m) <= n:
        raise ValidationError(
            f"DatapointsToAlarm ({m}) must be between 1 and EvaluationPeriods ({n})."
        )
    treat = params.get("TreatMissingData")
    if treat is not None and treat not in alarm_rules.TREATMENTS:
        raise ValidationError(
            f"The value {treat} for parameter TreatMissingData is not valid: use one of "
            + ", ".join(alarm_rules.TREATMENTS)
            + "."
        )
    metrics = params.get("Metrics") or []
    if metrics:
        returned = [q for q in metrics if q.get("ReturnData", True) is not False]
        if len(returned) != 1:
            raise ValidationError(
                "Metrics list must contain exactly one metric matching the ReturnData parameter "
                f"(found {len(returned)} queries with ReturnData true)."
            )
        if any(a.startswith("arn:aws:automate:") for a in params.get("AlarmActions") or []):
            raise ValidationError(
                "Alarms based on math expressions cannot perform Amazon EC2 actions."
            )
        # Evaluated over no data: refuses a bad expression now rather than at every period.
        metric_math.run_queries(None, metrics, datetime(2000, 1, 1), datetime(2000, 1, 1, 0, 1))
    period = _alarm_period_from(params)
    if period not in (10, 20, 30) and period % 60:
        raise ValidationError(
            f"The value {period} for parameter Period is not valid: "
            "use 10, 20, 30 or a multiple of 60."
        )
    if n * period > 86400:
        raise ValidationError(
            "The evaluation period (EvaluationPeriods x Period) of an alarm must not exceed "
            "one day."
        )
    if not metrics:
        stat, ext = params.get("Statistic"), params.get("ExtendedStatistic")
        if bool(stat) == bool(ext):
            raise ValidationError("Specify exactly one of Statistic or ExtendedStatistic.")
        if ext and metric_percentiles.percentile_of(ext) is None:
            raise ValidationError(
                f"The value {ext} for parameter ExtendedStatistic is not supported."
            )


def _alarm_period_from(params: dict[str, Any]) -> int:
    metrics = params.get("Metrics") or []
    periods = [int(m["MetricStat"]["Period"]) for m in metrics if "MetricStat" in m]
    if not metrics:
        periods = [int(params.get("Period") or 60)]
    return min(periods) if periods else 60


def _wrap(time: WorldTime, original: Any, before: Any = None) -> Any:
    """A handler that catches the world up, then answers as `original` does."""

    def handler(self: CloudWatchResponse) -> ActionResult:
        with time.lock:
            metric_sources.catch_up(time.now())
            if before is not None:
                before(self)
            return original(self)

    return handler


def _put_metric_alarm(time: WorldTime, original: Any) -> Any:
    def handler(self: CloudWatchResponse) -> ActionResult:
        with time.lock:
            now = metric_series.naive_utc(time.now())
            metric_sources.catch_up(now)
            params = self._get_params()
            _validate(params)
            backend = self.cloudwatch_backend
            old = backend.alarms.get(params["AlarmName"])
            result = original(self)
            alarm = backend.alarms[params["AlarmName"]]
            alarm.turnout_metrics = params.get("Metrics") or []
            alarm.configuration_updated_timestamp = now
            if old is None:
                alarm.state_value = "INSUFFICIENT_DATA"
                alarm.state_reason = "Unchecked: Initial alarm creation"
                alarm.state_updated_timestamp = now
                alarm.state_transitioned_timestamp = now
                verb = "created"
            else:
                # "When you update an existing alarm, its state is left unchanged."
                for attr in ("state_value", "state_reason", "state_reason_data"):
                    setattr(alarm, attr, getattr(old, attr))
                alarm.state_updated_timestamp = old.state_updated_timestamp
                alarm.state_transitioned_timestamp = getattr(
                    old, "state_transitioned_timestamp", old.state_updated_timestamp
                )
                verb = "updated"
            alarm_history.record(
                backend,
                alarm,
                "ConfigurationUpdate",
                f'Alarm "{alarm.name}" {verb}',
                {"version": "1.0", "type": verb.capitalize()},
                now,
            )
            evaluate(alarm, now)
            alarm.turnout_evaluated_at = now
            return result

    return handler


_WRAPPED = ("describe_alarms", "describe_alarms_for_metric", "set_alarm_state")


def install(time: WorldTime) -> None:
    """Wrap PutMetricAlarm, DescribeAlarms(ForMetric) and SetAlarmState."""
    patching.wrap(
        CloudWatchResponse, "put_metric_alarm", functools.partial(_put_metric_alarm, time)
    )
    for name in _WRAPPED:
        patching.wrap(CloudWatchResponse, name, functools.partial(_wrap, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Publish due metrics and evaluate every alarm up to `now`."""
    metric_sources.catch_up(now)
