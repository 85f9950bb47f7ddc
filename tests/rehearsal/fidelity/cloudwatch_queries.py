"""GetMetricData helpers shared by the metric-math tests: publish a row, query, read a series."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

NS = "Shop/Web"


def metric(qid: str, name: str, stat: str = "Sum", period: int = 60, **extra: Any) -> dict:
    """A MetricStat query for `name` in the test namespace."""
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {"Namespace": NS, "MetricName": name},
            "Period": period,
            "Stat": stat,
        },
        **extra,
    }


def publish(cw: Any, name: str, values: list[float | None], start: datetime) -> None:
    """One datapoint a minute from `start`; None leaves that minute empty."""
    data = [
        {"MetricName": name, "Value": v, "Timestamp": start + timedelta(minutes=i)}
        for i, v in enumerate(values)
        if v is not None
    ]
    cw.put_metric_data(Namespace=NS, MetricData=data)


def results(cw: Any, queries: list[dict], start: datetime, minutes: int = 5, **kw: Any) -> dict:
    """GetMetricData results by Id (a list each: an array expression gives several)."""
    answer = cw.get_metric_data(
        MetricDataQueries=queries,
        StartTime=start,
        EndTime=start + timedelta(minutes=minutes),
        ScanBy=kw.pop("ScanBy", "TimestampAscending"),
        **kw,
    )
    out: dict[str, Any] = {}
    for r in answer["MetricDataResults"]:
        assert r["StatusCode"] == "Complete"
        out.setdefault(r["Id"], []).append(r)
    return out


def series(result: dict, start: datetime) -> dict[int, float]:
    """{minute offset: value} of one MetricDataResult."""
    return {
        int((t - start).total_seconds() // 60): v
        for t, v in zip(result["Timestamps"], result["Values"], strict=True)
    }
