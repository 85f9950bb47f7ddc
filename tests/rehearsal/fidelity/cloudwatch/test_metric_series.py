"""Which published datapoints belong to a metric, checked against the CloudWatch concepts.

Documented behaviour checked (CloudWatch User Guide, "Metrics concepts: Dimensions"): a metric
is identified by namespace, name and its complete set of dimensions, so a request for a metric
with one dimension does not see datapoints published with that dimension and another; a Unit
given in the request keeps only datapoints published with that unit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

LB = {"Name": "LoadBalancer", "Value": "app/web-alb/1"}
TG = {"Name": "TargetGroup", "Value": "targetgroup/web-blue/2"}


def test_a_metric_is_its_complete_dimension_set_and_unit(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    cw.put_metric_data(
        Namespace="AWS/ApplicationELB",
        MetricData=[
            {"MetricName": "RequestCount", "Dimensions": [LB], "Value": 100.0, "Unit": "Count"},
            {"MetricName": "RequestCount", "Dimensions": [TG, LB], "Value": 40.0, "Unit": "Count"},
            {"MetricName": "RequestCount", "Dimensions": [LB], "Value": 7.0, "Unit": "Percent"},
        ],
    )

    def total(dimensions: list[dict], unit: str | None = None) -> float | None:
        query: dict[str, Any] = {
            "Metric": {
                "Namespace": "AWS/ApplicationELB",
                "MetricName": "RequestCount",
                "Dimensions": dimensions,
            },
            "Period": 60,
            "Stat": "Sum",
        }
        if unit:
            query["Unit"] = unit
        (result,) = cw.get_metric_data(
            MetricDataQueries=[{"Id": "m", "MetricStat": query}],
            StartTime=t0,
            EndTime=t0 + timedelta(minutes=1),
        )["MetricDataResults"]
        return result["Values"][0] if result["Values"] else None

    assert total([LB]) == 107.0
    assert total([LB], unit="Count") == 100.0
    assert total([LB, TG]) == 40.0, "dimension order does not matter"
    assert total([TG]) is None
