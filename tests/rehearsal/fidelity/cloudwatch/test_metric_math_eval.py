"""The expression evaluator against the example tables of the CloudWatch User Guide.

Documented behaviour checked ("Metric math syntax and functions": "Comparison and logical
operators" and "Using IF expressions"), each through a real GetMetricData round trip:
- metric1 = [30, 20, 0, 0], metric2 = [20, -, 20, -]: (metric1 < metric2) = [0, 0, 1, 0],
  (metric1 >= 30) = [1, 0, 0, 0], (metric1 > 15 AND metric2 > 15) = [1, 0, 0, 0];
- metric1 = [1, 1, 0, 0, -], metric2 = [30, -, 0, 0, 30], metric3 = [0, 0, 20, -, 20]:
  IF(metric1, metric2, metric3) = [30, 0, 20, -, -], IF(metric1, 5, metric3) = [5, 5, 20, -, -],
  IF(metric1, metric2, 5) = [30, 0, 5, 5, -];
- functions on series: DIFF, RATE, RUNNING_SUM, DATAPOINT_COUNT, METRIC_COUNT, CEIL, FLOOR,
  TIME_SERIES, FILL with LINEAR and with another series, FIRST/LAST, REMOVE_EMPTY, PERIOD.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

NS = "Docs/Tables"
Row = list[float | None]


def publish(cw: Any, name: str, values: Row, start: datetime) -> None:
    data = [
        {"MetricName": name, "Value": v, "Timestamp": start + timedelta(minutes=i)}
        for i, v in enumerate(values)
        if v is not None
    ]
    if data:
        cw.put_metric_data(Namespace=NS, MetricData=data)


def evaluate(aws: Any, metrics: dict[str, Row], expressions: dict[str, str]) -> dict[str, Row]:
    """Publish each metric (one value a minute), evaluate the expressions, return their rows."""
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    width = max(len(v) for v in metrics.values())
    for name, values in metrics.items():
        publish(cw, name, values, t0)
    queries = [
        {
            "Id": name,
            "MetricStat": {
                "Metric": {"Namespace": NS, "MetricName": name},
                "Period": 60,
                "Stat": "Average",
            },
            "ReturnData": False,
        }
        for name in metrics
    ]
    queries += [{"Id": qid, "Expression": text} for qid, text in expressions.items()]
    answer = cw.get_metric_data(
        MetricDataQueries=queries,
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=width),
        ScanBy="TimestampAscending",
    )
    rows: dict[str, Row] = {}
    for r in answer["MetricDataResults"]:
        row: Row = [None] * width
        for t, v in zip(r["Timestamps"], r["Values"], strict=True):
            row[int((t - t0).total_seconds() // 60)] = v
        rows[r["Id"]] = row
    return rows


def test_comparison_and_logical_operators_table(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"metric1": [30, 20, 0, 0], "metric2": [20, None, 20, None]},
        {
            "lt": "(metric1 < metric2)",
            "ge": "(metric1 >= 30)",
            "both": "(metric1 > 15 AND metric2 > 15)",
            "either": "metric1 > 25 || metric2 > 15",
        },
    )
    assert rows["lt"] == [0, 0, 1, 0]
    assert rows["ge"] == [1, 0, 0, 0]
    assert rows["both"] == [1, 0, 0, 0]
    assert rows["either"] == [1, 0, 1, 0]


def test_if_expressions_tables(aws: Any) -> None:
    rows = evaluate(
        aws,
        {
            "metric1": [1, 1, 0, 0, None],
            "metric2": [30, None, 0, 0, 30],
            "metric3": [0, 0, 20, None, 20],
        },
        {
            "ts_ts_ts": "IF(metric1, metric2, metric3)",
            "ts_s_ts": "IF(metric1, 5, metric3)",
            "ts_ts_s": "IF(metric1, metric2, 5)",
        },
    )
    assert rows["ts_ts_ts"] == [30, 0, 20, None, None]
    assert rows["ts_s_ts"] == [5, 5, 20, None, None]
    assert rows["ts_ts_s"] == [30, 0, 5, 5, None]


def test_if_on_a_scalar_condition_picks_a_whole_series(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"a": [1, 2, 3], "b": [7, 8, 9]},
        {"pick_a": "IF(MAX(a) > 2, a, b)", "pick_b": "IF(MAX(a) > 5, a, b)"},
    )
    assert rows["pick_a"] == [1, 2, 3]
    assert rows["pick_b"] == [7, 8, 9]


def test_sequence_functions(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"a": [1, 4, None, 10]},
        {
            "diff": "DIFF(a)",
            "rate": "RATE(a)",
            "running": "RUNNING_SUM(a)",
            "gap": "DIFF_TIME(a)",
        },
    )
    assert rows["diff"] == [None, 3, None, 6]
    assert rows["rate"] == [None, 3 / 60, None, 6 / 120]
    assert rows["running"] == [1, 5, None, 15]
    assert rows["gap"] == [None, 60, None, 120]


def test_counting_and_rounding_functions(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"a": [1.5, None, 2.5], "b": [None, None, -0.5]},
        {
            "points": "DATAPOINT_COUNT(METRICS())",
            "avg": "SUM(a) / DATAPOINT_COUNT(a) + 0 * a",
            "count": "TIME_SERIES(METRIC_COUNT(METRICS()))",
            "ceil": "CEIL(a)",
            "floor": "FLOOR(METRICS())",
        },
    )
    assert rows["points"] == [1, None, 2]
    assert rows["avg"] == [2, None, 2]
    assert rows["count"] == [2, 2, 2]
    assert rows["ceil"] == [2, None, 3]


def test_fill_linear_and_fill_from_another_series(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"a": [0, None, None, 30, None], "b": [9, 8, 7, 6, 5]},
        {"linear": "FILL(a, LINEAR)", "from_b": "FILL(a, b)"},
    )
    assert rows["linear"] == [0, 10, 20, 30, None]
    assert rows["from_b"] == [0, 8, 7, 30, 5]


def test_array_selection_functions(aws: Any) -> None:
    rows = evaluate(
        aws,
        {"a": [1, 2], "b": [None, None], "c": [5, 6]},
        {
            "first": "FIRST(REMOVE_EMPTY(METRICS()))",
            "last": "LAST(METRICS())",
            "per_minute": "a / PERIOD(a) * 60",
            "kept": "SUM(REMOVE_EMPTY(METRICS())) / METRIC_COUNT(REMOVE_EMPTY(METRICS()))",
        },
    )
    assert rows["first"] == [1, 2]
    assert rows["last"] == [5, 6]
    assert rows["per_minute"] == [1, 2]
    assert rows["kept"] == [3, 4]


def test_functions_refuse_the_wrong_kind_of_argument(aws: Any) -> None:
    for expression in ["PERIOD(e)", "FILL(METRICS(), [a])", "METRICS(1)", "FIRST(a)"]:
        with pytest.raises(ClientError) as err:
            evaluate(aws, {"a": [1]}, {"e": "a + 1", "bad": expression})
        assert err.value.response["Error"]["Code"] == "ValidationError", expression
