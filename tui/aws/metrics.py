"""A poll's metrics in as few GetMetricData calls as CloudWatch allows.

Every series of one poll (guardrails, preconditions, display) goes out together: CloudWatch
takes up to 500 queries per GetMetricData call, so a poll of n single metrics costs ceil(n/500)
calls, never one per metric. A series with metric math sends its metrics (ReturnData false) and
its expression in the same call, since an expression can only name queries of its own call; the
same metric asked for by several series is queried once per call.

No datapoint is an empty series, never 0. A series whose dimension does not resolve, or whose
call failed, carries `error`; the rest of the poll is still read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.aws.calls import call
from tui.aws.protocol import CloudError, Series, SeriesRequest
from tui.aws.resolve import Resolver
from tui.runbook.model import Metric

MAX_QUERIES = 500  # GetMetricData's limit on MetricDataQueries per call

# A query id in an expression: CloudWatch ids start with a lowercase letter; functions (ABS) are
# upper case and numbers start with a digit, so neither is matched.
_NAME = re.compile(r"\b[a-z][A-Za-z0-9_]*\b")

MetricKey = tuple[str, str, str, tuple[tuple[str, str], ...], int]


@dataclass
class _Planned:
    """One request, resolved: its metrics as CloudWatch queries, ready to place in a call."""

    request: SeriesRequest
    metrics: dict[str, tuple[MetricKey, dict[str, Any]]]  # the runbook's id -> (key, MetricStat)

    @property
    def size(self) -> int:
        """Queries this request adds to a call at most (its metrics, and its expression)."""
        return len(self.metrics) + (1 if self.request.expr else 0)


@dataclass
class _Call:
    """One GetMetricData call being assembled."""

    queries: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[MetricKey, str] = field(default_factory=dict)  # each metric queried once
    returns: dict[str, str] = field(default_factory=dict)  # request key -> query id returned
    exprs: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (id, as written)
    windows: list[int] = field(default_factory=list)

    def room_for(self, planned: _Planned) -> bool:
        new = sum(1 for key, _ in planned.metrics.values() if key not in self.ids)
        return len(self.queries) + new + (1 if planned.request.expr else 0) <= MAX_QUERIES

    def add(self, planned: _Planned) -> None:
        request = planned.request
        self.windows.append(request.window)
        local: dict[str, str] = {}
        for name, (key, stat) in planned.metrics.items():
            if key not in self.ids:
                self.ids[key] = f"m{len(self.ids)}"
                self.queries.append({"Id": self.ids[key], "MetricStat": stat, "ReturnData": False})
            local[name] = self.ids[key]
        if request.expr:
            query_id = f"e{len(self.returns)}"
            expr = _NAME.sub(lambda m: local.get(m.group(0), m.group(0)), request.expr)
            self.queries.append({"Id": query_id, "Expression": expr, "ReturnData": True})
            self.exprs[request.key] = (query_id, request.expr)
        else:
            query_id = next(iter(local.values()))
            for query in self.queries:
                if query["Id"] == query_id:
                    query["ReturnData"] = True
        self.returns[request.key] = query_id


def _metric_stat(metric: Metric, resolver: Resolver, period: int) -> tuple[MetricKey, dict]:
    dimensions = [
        {"Name": name, "Value": resolver.dimension(value)}
        for name, value in sorted(metric.dimensions.items())
    ]
    period = int(metric.period or period)
    key = (
        metric.namespace,
        metric.name,
        metric.stat,
        tuple((d["Name"], d["Value"]) for d in dimensions),
        period,
    )
    stat = {
        "Metric": {
            "Namespace": metric.namespace,
            "MetricName": metric.name,
            "Dimensions": dimensions,
        },
        "Period": period,
        "Stat": metric.stat,
    }
    return key, stat


def _plan(request: SeriesRequest, resolver: Resolver) -> _Planned:
    if not request.metrics:
        raise CloudError(f"series {request.key!r} names no metric")
    if request.expr is None and len(request.metrics) != 1:
        raise CloudError(f"series {request.key!r} has several metrics and no expression")
    return _Planned(
        request,
        {name: _metric_stat(m, resolver, request.period) for name, m in request.metrics.items()},
    )


def _send(
    cloudwatch: Any, batch: _Call, now: datetime
) -> tuple[dict[str, list[tuple[datetime, float]]], dict[str, str]]:
    """One GetMetricData call (and its NextToken pages, for very long windows): the points of
    each returned query, and what CloudWatch said of the queries it could not compute."""
    params: dict[str, Any] = {
        "MetricDataQueries": batch.queries,
        "StartTime": now - timedelta(seconds=max(batch.windows)),
        "EndTime": now,
        "ScanBy": "TimestampAscending",
    }
    points: dict[str, list[tuple[datetime, float]]] = {}
    errors: dict[str, str] = {}
    while True:
        answer = call(cloudwatch, "get_metric_data", "the poll's metrics", **params)
        for result in answer["MetricDataResults"]:
            points.setdefault(result["Id"], []).extend(
                (when.astimezone(UTC), float(value))
                for when, value in zip(result["Timestamps"], result["Values"], strict=True)
            )
            if result.get("StatusCode") == "InternalError":
                said = "; ".join(m.get("Value", "") for m in result.get("Messages", []))
                errors[result["Id"]] = f"CloudWatch could not compute it: {said or 'no reason'}"
        if not answer.get("NextToken"):
            return points, errors
        params["NextToken"] = answer["NextToken"]


def fetch_series(
    cloudwatch: Any, resolver: Resolver, requests: Sequence[SeriesRequest], now: datetime
) -> dict[str, Series]:
    """Every requested series, keyed by `SeriesRequest.key` (see the module's docstring)."""
    out: dict[str, Series] = {}
    windows = {request.key: request.window for request in requests}
    calls: list[_Call] = []
    for request in requests:
        try:
            planned = _plan(request, resolver)
        except CloudError as exc:
            out[request.key] = Series(request.key, error=str(exc), failure=exc)
            continue
        if not calls or not calls[-1].room_for(planned):
            calls.append(_Call())
        calls[-1].add(planned)
    for batch in calls:
        try:
            points, errors = _send(cloudwatch, batch, now)
        except CloudError as exc:
            # CloudWatch names the call's query ids (e0, m3): say which series they stand for.
            legend = "; ".join(
                f"{query_id} is {key!r} ({expr})" for key, (query_id, expr) in batch.exprs.items()
            )
            message = f"{exc} [{legend}]" if legend else str(exc)
            for key in batch.returns:
                out[key] = Series(key, error=message, failure=exc)
            continue
        for request_key, query_id in batch.returns.items():
            since = now - timedelta(seconds=windows[request_key])
            kept = sorted(p for p in points.get(query_id, []) if p[0] >= since)
            out[request_key] = Series(request_key, tuple(kept), errors.get(query_id))
    return {request.key: out[request.key] for request in requests}
