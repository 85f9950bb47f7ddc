"""GetMetricData with metric math, checked against the CloudWatch documentation.

Documented behaviour checked (CloudWatch User Guide, "Metric math syntax and functions", and the
GetMetricData API reference): arithmetic between series aligned by timestamp and with scalars,
parentheses and unary minus; division by zero drops the datapoint; METRICS() and
METRICS('text') give the metric queries (not expressions) whose Id contains the text;
SUM/AVG/MIN/MAX of an array give one series; FILL with a value or REPEAT fills every period of
the range; expressions may use other expressions' Ids; ReturnData false hides a query; Label;
results sorted by ScanBy (TimestampDescending by default) with StatusCode Complete; invalid
queries and expressions fail with ValidationError instead of returning an empty series.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudwatch_queries import metric, publish, results, series


@pytest.fixture
def cw(aws: Any) -> Any:
    return aws.client("cloudwatch")


def test_error_rate_is_computed_per_timestamp(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "Errors", [1, 2, 0, 5], t0)
    publish(cw, "Requests", [100, 50, 10, 200], t0)
    out = results(
        cw,
        [
            metric("m1", "Errors", ReturnData=False),
            metric("m2", "Requests", ReturnData=False),
            {"Id": "rate", "Expression": "100*m1/m2", "Label": "Error rate"},
        ],
        t0,
    )
    assert set(out) == {"rate"}, "ReturnData false hides the inputs"
    (rate,) = out["rate"]
    assert rate["Label"] == "Error rate"
    assert series(rate, t0) == {0: 1.0, 1: 4.0, 2: 0.0, 3: 2.5}


def test_results_default_to_newest_first(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "Requests", [1, 2, 3], t0)
    answer = cw.get_metric_data(
        MetricDataQueries=[metric("m1", "Requests"), {"Id": "e1", "Expression": "m1 * 2"}],
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=3),
    )
    by_id = {r["Id"]: r for r in answer["MetricDataResults"]}
    assert by_id["e1"]["Values"] == [6.0, 4.0, 2.0]
    assert by_id["e1"]["Timestamps"] == sorted(by_id["e1"]["Timestamps"], reverse=True)
    assert by_id["m1"]["Label"] == "Requests", "a metric's default label is its name"
    assert by_id["e1"]["Label"] == "e1", "an expression's default label is its Id"


def test_sum_of_metrics_and_of_a_prefix(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "4xx", [1, 2, None], t0)
    publish(cw, "5xx", [10, None, 30], t0)
    publish(cw, "Requests", [100, 100, 100], t0)
    queries = [
        metric("errors4", "4xx", ReturnData=False),
        metric("errors5", "5xx", ReturnData=False),
        metric("requests", "Requests", ReturnData=False),
        {"Id": "total", "Expression": "SUM(METRICS())"},
        {"Id": "errs", "Expression": "SUM(METRICS('errors'))"},
        {"Id": "rate", "Expression": "100 * errs / requests"},
        {"Id": "avg", "Expression": "AVG(METRICS('errors'))"},
        {"Id": "hi", "Expression": "MAX(METRICS('errors'))"},
        {"Id": "lo", "Expression": "MIN(METRICS('errors'))"},
        {"Id": "scalar", "Expression": "requests - MAX(errors5)"},
    ]
    out = results(cw, queries, t0)
    assert series(out["total"][0], t0) == {0: 111.0, 1: 102.0, 2: 130.0}
    assert series(out["errs"][0], t0) == {0: 11.0, 1: 2.0, 2: 30.0}
    assert series(out["rate"][0], t0) == {0: 11.0, 1: 2.0, 2: 30.0}
    assert series(out["avg"][0], t0) == {0: 5.5, 1: 1.0, 2: 15.0}, "AVG counts missing as 0"
    assert series(out["hi"][0], t0) == {0: 10.0, 1: 2.0, 2: 30.0}
    assert series(out["lo"][0], t0) == {0: 1.0, 1: 2.0, 2: 30.0}
    assert series(out["scalar"][0], t0) == {0: 70.0, 1: 70.0, 2: 70.0}


def test_an_array_result_gives_one_result_per_series(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [1], t0)
    publish(cw, "B", [2], t0)
    out = results(
        cw,
        [
            metric("a", "A", ReturnData=False),
            metric("b", "B", ReturnData=False),
            {"Id": "pct", "Expression": "METRICS() * 100", "Label": "pct"},
        ],
        t0,
    )
    assert sorted((r["Label"], r["Values"]) for r in out["pct"]) == [
        ("pct A", [100.0]),
        ("pct B", [200.0]),
    ]


def test_fill_with_a_value_and_with_repeat(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [None, 5, None, None, 7], t0)
    out = results(
        cw,
        [
            metric("a", "A"),
            {"Id": "zero", "Expression": "FILL(a, 0)"},
            {"Id": "rep", "Expression": "FILL(a, REPEAT)"},
        ],
        t0,
        minutes=6,
    )
    assert series(out["zero"][0], t0) == {0: 0.0, 1: 5.0, 2: 0.0, 3: 0.0, 4: 7.0, 5: 0.0}
    assert series(out["rep"][0], t0) == {1: 5.0, 2: 5.0, 3: 5.0, 4: 7.0, 5: 7.0}


def test_if_with_a_comparison_and_with_scalars(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "Latency", [100, 500, 300, 900], t0)
    out = results(
        cw,
        [
            metric("lat", "Latency", "Maximum"),
            {"Id": "low", "Expression": "IF(lat < 400, lat)"},
            {"Id": "flag", "Expression": "IF(lat > 400, 1, 0)"},
            {"Id": "cap", "Expression": "IF(lat >= 500, 500, lat)"},
        ],
        t0,
    )
    assert series(out["low"][0], t0) == {0: 100.0, 2: 300.0}
    assert series(out["flag"][0], t0) == {0: 0.0, 1: 1.0, 2: 0.0, 3: 1.0}
    assert series(out["cap"][0], t0) == {0: 100.0, 1: 500.0, 2: 300.0, 3: 500.0}


def test_expressions_refer_to_expressions_declared_later(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [2, 4], t0)
    out = results(
        cw,
        [
            {"Id": "e2", "Expression": "e1 + 1"},
            {"Id": "e1", "Expression": "a * 10"},
            metric("a", "A"),
        ],
        t0,
    )
    assert series(out["e2"][0], t0) == {0: 21.0, 1: 41.0}


def test_periods_are_laid_on_the_rounded_start_time(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], t0)  # one a minute for 10 minutes
    start = t0 + timedelta(minutes=2, seconds=30)  # rounded down to 00:02:00
    answer = cw.get_metric_data(
        MetricDataQueries=[metric("a", "A", "Sum", period=300)],
        StartTime=start,
        EndTime=t0 + timedelta(minutes=12),
        ScanBy="TimestampAscending",
    )
    (result,) = answer["MetricDataResults"]
    assert [t - t0 for t in result["Timestamps"]] == [timedelta(minutes=2), timedelta(minutes=7)]
    assert result["Values"] == [5.0, 3.0]


def test_a_cycle_between_expressions_is_refused(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    with pytest.raises(ClientError) as err:
        results(
            cw, [{"Id": "e1", "Expression": "e2 + 1"}, {"Id": "e2", "Expression": "e1 * 2"}], t0
        )
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "Circular reference" in err.value.response["Error"]["Message"]


BAD_QUERIES = [
    ([metric("M1", "A")], "Id is invalid"),
    ([metric("m1", "A"), metric("m1", "B")], "must be unique"),
    ([metric("m1", "A", "Median")], "MetricStat.Stat is not a valid statistic"),
    ([{"Id": "m1", "Label": "nothing"}], "MetricStat is required"),
]


def test_invalid_queries_are_validation_errors(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    for queries, says in BAD_QUERIES:
        with pytest.raises(ClientError) as err:
            results(cw, queries, t0)
        assert err.value.response["Error"]["Code"] == "ValidationError"
        assert says in err.value.response["Error"]["Message"]
