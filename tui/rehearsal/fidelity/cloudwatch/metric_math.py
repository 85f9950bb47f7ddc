"""GetMetricData that evaluates metric-math expressions, as CloudWatch does, from published data.

moto answers an expression such as `100*m1/m2` with an empty series and StatusCode Complete, so a
guardrail would silently see no data. This extension answers GetMetricData itself:
- each MetricStat query becomes a series of its Stat (any statistic `metric_percentiles`
  computes, percentiles included) over periods laid on the rounded StartTime;
- each Expression is evaluated by `metric_math_eval` over those series and over other
  expressions (by Id, in any order; a cycle is an error);
- queries with ReturnData false are computed but not returned; Label defaults to the metric
  name (a MetricStat) or the Id (an expression); an expression that yields an array of series
  gives one result per series, labelled "<label> <series label>";
- results are sorted by ScanBy (TimestampDescending by default) and paged by `metric_pages`
  (MaxDatapoints, NextToken, StatusCode PartialData or Complete); at most 500 queries a call.
Invalid queries and expressions are refused with CloudWatch's `ValidationError` and a message
naming the query and what is wrong, never an empty series.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import (
    metric_math_eval,
    metric_pages,
    metric_percentiles,
    metric_series,
    metric_sources,
    metric_store,
)
from tui.rehearsal.fidelity.cloudwatch.metric_math_parse import ExpressionError
from tui.rehearsal.fidelity.cloudwatch.metric_math_series import Context, Series, Value
from tui.rehearsal.fidelity.world_time import WorldTime

MAX_QUERIES = 500
_ID = re.compile(r"^[a-z][A-Za-z0-9_]*$")
# Statistics AWS computes that this world does not: refused as unsupported, not as invalid.
_AWS_ONLY_STAT = re.compile(r"^(tm|wm|tc|ts|TM|WM|TC|TS|PR)\(?[\d.:%]*\)?$|^IQM$")


def _validate(queries: Sequence[dict[str, Any]]) -> None:
    if len(queries) > MAX_QUERIES:
        # "A single GetMetricData call can include as many as 500 MetricDataQuery structures."
        raise ValidationError(
            f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}: "
            f"it has {len(queries)}."
        )
    seen: set[str] = set()
    for n, q in enumerate(queries, start=1):
        member = f"MetricDataQueries.member.{n}"
        qid = q.get("Id", "")
        if not _ID.match(qid or ""):
            raise ValidationError(
                f"The value {qid!r} for parameter {member}.Id is invalid: an Id starts with a "
                "lower-case letter and holds only letters, digits and underscores."
            )
        if qid in seen:
            raise ValidationError(
                "The values for parameter MetricDataQueries.member.*.Id must be unique: "
                f"{qid!r} is repeated."
            )
        seen.add(qid)
        has_stat, has_expr = "MetricStat" in q, "Expression" in q
        if has_stat and has_expr:
            raise ValidationError(
                f"The parameters {member}.MetricStat and {member}.Expression are mutually "
                "exclusive and you have specified both."
            )
        if not has_stat and not has_expr:
            raise ValidationError(f"The parameter {member}.MetricStat is required.\n")
        if has_stat:
            stat = q["MetricStat"].get("Stat", "")
            if _AWS_ONLY_STAT.match(stat):
                raise ValidationError(
                    f"{member}.MetricStat.Stat {stat}: trimmed means, windowed and other "
                    "extended statistics are not supported by the rehearsal world (turnout); "
                    "use Sum, Average, Minimum, Maximum, SampleCount or a percentile (p99)."
                )
            if not metric_percentiles.is_supported(stat):
                raise ValidationError(
                    f"The value for parameter {member}.MetricStat.Stat is not a valid statistic."
                )
        elif q["Expression"].lstrip().upper().startswith("SELECT"):
            raise ValidationError(
                f"{member}.Expression: Metrics Insights (SELECT) queries are not supported by "
                "the rehearsal world (turnout); use metric math."
            )


def _metric_series(
    backend: CloudWatchBackend | None,
    query: dict[str, Any],
    start: datetime,
    end: datetime,
    aligned: bool,
) -> Series:
    stat = query["MetricStat"]
    metric = stat["Metric"]
    period = int(stat["Period"])
    if backend is None:
        return Series({}, query.get("Label") or metric.get("MetricName", ""), period)
    periods = metric_store.of(backend).periods(
        metric.get("Namespace", ""),
        metric.get("MetricName", ""),
        metric.get("Dimensions") or [],
        stat.get("Unit"),
        start,
        end,
        period,
        aligned,
    )
    points = {}
    for stamp, group in periods.items():
        value = metric_percentiles.statistic(stat["Stat"], group)
        if value is not None:
            points[stamp] = value
    return Series(points, query.get("Label") or metric.get("MetricName", ""), period)


def run_queries(
    backend: CloudWatchBackend | None,
    queries: Sequence[dict[str, Any]],
    start: datetime,
    end: datetime,
    aligned: bool = False,
) -> list[tuple[dict[str, Any], Series]]:
    """Every query's result series, in request order (arrays expand to several entries).

    Raises moto's ValidationError for anything CloudWatch would refuse. `aligned` keeps `start`
    as given (alarm windows are aligned by the caller). With no backend every metric is empty,
    which checks the queries without reading data.
    """
    _validate(queries)
    by_id = {q["Id"]: q for q in queries}
    values: dict[str, Value] = {}
    metric_ids = [q["Id"] for q in queries if "MetricStat" in q]
    periods = [int(q["MetricStat"]["Period"]) for q in queries if "MetricStat" in q]
    periods += [int(q["Period"]) for q in queries if "Expression" in q and q.get("Period")]
    period = min(periods) if periods else 60
    grid_start = start if aligned else metric_series.align_start(start, period)
    for qid in metric_ids:
        values[qid] = _metric_series(backend, by_id[qid], start, end, aligned)

    in_progress: list[str] = []

    def resolve(qid: str) -> Value:
        if qid in values:
            return values[qid]
        if qid not in by_id:
            raise ExpressionError(f"Unknown metric or expression id '{qid}'")
        if qid in in_progress:
            cycle = " -> ".join([*in_progress[in_progress.index(qid) :], qid])
            raise ExpressionError(f"Circular reference between expressions: {cycle}")
        in_progress.append(qid)
        try:
            values[qid] = metric_math_eval.evaluate(by_id[qid]["Expression"], ctx)
        except ExpressionError as err:
            if in_progress[0] == qid:
                raise
            raise ExpressionError(f"in expression '{qid}': {err}") from err
        finally:
            in_progress.pop()
        return values[qid]

    ctx = Context(values, metric_ids, grid_start, end, period, resolve)
    results: list[tuple[dict[str, Any], Series]] = []
    for n, q in enumerate(queries, start=1):
        if "Expression" in q:
            try:
                resolve(q["Id"])
            except ExpressionError as err:
                raise ValidationError(
                    f"Error in expression '{q['Id']}' (MetricDataQueries.member.{n}.Expression "
                    f'"{q["Expression"]}"): {err}'
                ) from err
        value = values[q["Id"]]
        label = q.get("Label")
        if isinstance(value, list):
            for s in value:
                name = f"{label if label is not None else q['Id']} {s.label}".strip()
                results.append((q, Series(s.points, name, s.period)))
        else:
            assert isinstance(value, Series)
            name = label if label is not None else (value.label if "MetricStat" in q else q["Id"])
            results.append((q, Series(value.points, name, value.period)))
    return results


def get_metric_data(time: WorldTime, self: CloudWatchResponse) -> ActionResult:
    """GetMetricData answered from published data, metric math included."""
    with time.lock:
        metric_sources.catch_up(time.now())
        params = self._get_params()
        start = metric_series.naive_utc(params["StartTime"])
        end = metric_series.naive_utc(params["EndTime"])
        if start > end:
            raise ValidationError("The parameter EndTime must be greater than StartTime.")
        if start == end:
            raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
        descending = (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending"
        queries = params.get("MetricDataQueries", [])
        out = []
        for query, series in run_queries(self.cloudwatch_backend, queries, start, end):
            if query.get("ReturnData", True) is False:
                continue
            items = sorted(series.points.items(), reverse=descending)
            out.append(
                {
                    "Id": query["Id"],
                    "Label": series.label,
                    "Timestamps": [t for t, _ in items],
                    "Values": [v for _, v in items],
                }
            )
        out, token = metric_pages.page(
            out,
            params.get("MaxDatapoints"),
            params.get("NextToken"),
            metric_pages.request_digest(params),
            any("Expression" in q for q in queries),
        )
        if token:
            return ActionResult({"MetricDataResults": out, "Messages": [], "NextToken": token})
        return ActionResult({"MetricDataResults": out, "Messages": []})


def install(time: WorldTime) -> None:
    """Answer GetMetricData here."""
    patching.patch(CloudWatchResponse, "get_metric_data", time.bound(get_metric_data))


def tick(time: WorldTime, now: object) -> None:
    """Metric math is computed on demand; nothing to advance."""
