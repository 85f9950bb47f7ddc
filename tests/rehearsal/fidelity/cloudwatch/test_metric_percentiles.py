"""Percentile statistics from published data, checked against the CloudWatch documentation.

Documented behaviour checked (CloudWatch User Guide, "Percentiles" and "Publish custom
metrics"; GetMetricStatistics and GetMetricData API references): pNN is answered for
GetMetricData's MetricStat and GetMetricStatistics' ExtendedStatistics from the raw values,
including Values with Counts; a statistic set gives a percentile only when SampleCount is 1
with Min = Max = Sum, or Min = Max with Sum = Min x SampleCount; no percentile when a value is
negative; Statistics and ExtendedStatistics cannot both be given; an invalid percentile is an
InvalidParameterValue; the basic statistics stay right alongside.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

NS = "Shop/Latency"


@pytest.fixture
def cw(aws: Any) -> Any:
    return aws.client("cloudwatch")


def stats(aws: Any, cw: Any, name: str, **kw: Any) -> list[dict]:
    t0 = aws.clock.now()
    return cw.get_metric_statistics(
        Namespace=NS,
        MetricName=name,
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=5),
        Period=300,
        **kw,
    )["Datapoints"]


def test_p99_p90_p50_of_a_known_distribution(aws: Any, cw: Any) -> None:
    # 1..100 ms: the p-th percentile is p itself.
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[{"MetricName": "Latency", "Values": [float(v) for v in range(100, 0, -1)]}],
    )
    (point,) = stats(aws, cw, "Latency", ExtendedStatistics=["p99", "p90", "p50", "p99.9"])
    assert point["ExtendedStatistics"] == {"p99": 99.0, "p90": 90.0, "p50": 50.0, "p99.9": 100.0}
    assert point["Timestamp"] == aws.clock.now()


def test_percentiles_count_values_with_their_counts(aws: Any, cw: Any) -> None:
    # 90 requests at 10 ms, 9 at 200 ms, 1 at 5000 ms.
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[{"MetricName": "Latency", "Values": [10, 200, 5000], "Counts": [90, 9, 1]}],
    )
    (point,) = stats(aws, cw, "Latency", ExtendedStatistics=["p50", "p90", "p95", "p99", "p100"])
    assert point["ExtendedStatistics"] == {
        "p50": 10.0,
        "p90": 10.0,
        "p95": 200.0,
        "p99": 200.0,
        "p100": 5000.0,
    }
    (basic,) = stats(aws, cw, "Latency", Statistics=["SampleCount", "Maximum", "Sum"])
    assert (basic["SampleCount"], basic["Maximum"], basic["Sum"]) == (100.0, 5000.0, 7700.0)


def test_get_metric_data_answers_a_percentile_stat(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    for minute in range(3):
        values = [float(v) for v in range(1, 101)] if minute != 1 else [1000.0] * 10
        cw.put_metric_data(
            Namespace=NS,
            MetricData=[
                {
                    "MetricName": "Latency",
                    "Values": values,
                    "Timestamp": t0 + timedelta(minutes=minute),
                }
            ],
        )
    answer = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "p99",
                "MetricStat": {
                    "Metric": {"Namespace": NS, "MetricName": "Latency"},
                    "Period": 60,
                    "Stat": "p99",
                },
            }
        ],
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=3),
        ScanBy="TimestampAscending",
    )
    (result,) = answer["MetricDataResults"]
    assert result["Values"] == [99.0, 1000.0, 99.0]
    assert [t - t0 for t in result["Timestamps"]] == [timedelta(minutes=m) for m in range(3)]


def test_a_statistic_set_gives_a_percentile_only_where_it_is_defined(aws: Any, cw: Any) -> None:
    cases = {
        "Single": ({"SampleCount": 1, "Sum": 7, "Minimum": 7, "Maximum": 7}, 7.0),
        "Flat": ({"SampleCount": 4, "Sum": 20, "Minimum": 5, "Maximum": 5}, 5.0),
        "Spread": ({"SampleCount": 4, "Sum": 30, "Minimum": 5, "Maximum": 10}, None),
    }
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[{"MetricName": n, "StatisticValues": v} for n, (v, _) in cases.items()],
    )
    for name, (_values, p90) in cases.items():
        (point,) = stats(aws, cw, name, ExtendedStatistics=["p90"])
        assert point.get("ExtendedStatistics", {}).get("p90") == p90, name


def test_no_percentile_when_a_value_is_negative(aws: Any, cw: Any) -> None:
    cw.put_metric_data(
        Namespace=NS, MetricData=[{"MetricName": "Delta", "Values": [-1.0, 2.0, 3.0]}]
    )
    (point,) = stats(aws, cw, "Delta", ExtendedStatistics=["p50"])
    assert "ExtendedStatistics" not in point


def test_statistics_and_extended_statistics_are_exclusive(aws: Any, cw: Any) -> None:
    cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Latency", "Value": 1.0}])
    with pytest.raises(ClientError) as err:
        stats(aws, cw, "Latency", Statistics=["Average"], ExtendedStatistics=["p99"])
    assert err.value.response["Error"]["Code"] == "InvalidParameterCombination"


def test_an_invalid_percentile_is_refused(aws: Any, cw: Any) -> None:
    for bad in ["p101", "q50", "p"]:
        with pytest.raises(ClientError) as err:
            stats(aws, cw, "Latency", ExtendedStatistics=[bad])
        assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
        assert bad in err.value.response["Error"]["Message"]
