"""ListMetrics, checked against the CloudWatch API reference ("ListMetrics").

Documented behaviour checked: "List the specified metrics" (a metric is its namespace, name and
dimensions, so each is listed once however many datapoints it has); "Up to 500 results are
returned for any one call. To retrieve additional results, use the returned token with
subsequent calls."; Namespace and MetricName: "Only the ... that match exactly will be
returned"; Dimensions: "Only the dimension with names that match exactly will be returned. If
you specify one dimension name and a metric has that dimension and also other dimensions, it
will be returned."; RecentlyActive: "To filter the results to show only metrics that have had
data points published in the past three hours, specify this parameter with a value of PT3H";
"ListMetrics doesn't return information about metrics if those metrics haven't reported data in
the past two weeks."
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

NS = "Shop/Web"
LB = {"Name": "LoadBalancer", "Value": "app/web-alb/1"}
TG = {"Name": "TargetGroup", "Value": "targetgroup/web-blue/2"}


def listing(cw: Any, **filters: Any) -> list[tuple[str, str, frozenset]]:
    """Every page of ListMetrics, as (namespace, name, dimensions) in the order listed."""
    out = []
    for page in cw.get_paginator("list_metrics").paginate(**filters):
        out += [
            (
                m["Namespace"],
                m["MetricName"],
                frozenset((d["Name"], d["Value"]) for d in m["Dimensions"]),
            )
            for m in page["Metrics"]
        ]
    return out


def test_each_metric_is_listed_once_whatever_its_datapoints(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    for minute in range(5):
        cw.put_metric_data(
            Namespace=NS,
            MetricData=[
                {"MetricName": "RequestCount", "Dimensions": [TG, LB], "Value": 1.0},
                {"MetricName": "RequestCount", "Dimensions": [LB], "Value": 1.0},
                {"MetricName": "Load", "Value": 1.0, "Timestamp": t0 + timedelta(minutes=minute)},
                {"MetricName": "Load", "Value": 2.0, "Unit": "Percent"},
            ],
        )
        aws.clock.advance(60)
    assert sorted(listing(cw)) == [
        (NS, "Load", frozenset()),
        (NS, "RequestCount", frozenset({(LB["Name"], LB["Value"])})),
        (NS, "RequestCount", frozenset({(LB["Name"], LB["Value"]), (TG["Name"], TG["Value"])})),
    ]


def test_500_a_page_with_a_token_for_the_rest(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    data = [
        {"MetricName": "Latency", "Dimensions": [LB, {"Name": "Guardrail", "Value": f"g{i}"}]}
        for i in range(1203)
    ]
    for repeat in range(2):  # two datapoints each: still one entry each
        for start in range(0, len(data), 1000):
            batch = [{**d, "Value": float(repeat)} for d in data[start : start + 1000]]
            cw.put_metric_data(Namespace=NS, MetricData=batch)
    first = cw.list_metrics(Namespace=NS)
    assert len(first["Metrics"]) == 500 and first["NextToken"]
    second = cw.list_metrics(Namespace=NS, NextToken=first["NextToken"])
    assert len(second["Metrics"]) == 500
    third = cw.list_metrics(Namespace=NS, NextToken=second["NextToken"])
    assert len(third["Metrics"]) == 203 and "NextToken" not in third
    listed = listing(cw, Namespace=NS)
    assert len(listed) == len(set(listed)) == 1203


def test_filters_by_namespace_name_and_dimensions(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    other_lb = {"Name": "LoadBalancer", "Value": "app/other/9"}
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "RequestCount", "Dimensions": [TG, LB], "Value": 1.0},
            {"MetricName": "RequestCount", "Dimensions": [LB], "Value": 1.0},
            {"MetricName": "RequestCount", "Dimensions": [other_lb], "Value": 1.0},
            {"MetricName": "Load", "Value": 1.0},
        ],
    )
    cw.put_metric_data(Namespace="Shop/Db", MetricData=[{"MetricName": "Load", "Value": 1.0}])
    assert len(listing(cw)) == 5
    assert len(listing(cw, Namespace=NS)) == 4
    assert [m[:2] for m in listing(cw, MetricName="Load")] == [("Shop/Db", "Load"), (NS, "Load")]
    by_name = listing(cw, Dimensions=[{"Name": "LoadBalancer"}])
    assert len(by_name) == 3, "any value; a metric with that dimension and others is returned"
    by_value = listing(cw, Dimensions=[{"Name": "LoadBalancer", "Value": LB["Value"]}])
    assert len(by_value) == 2
    both = listing(cw, Dimensions=[{"Name": "LoadBalancer"}, {"Name": "TargetGroup"}])
    assert len(both) == 1


def test_recently_active_is_the_past_three_hours_and_two_weeks_the_horizon(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Old", "Value": 1.0}])
    aws.clock.advance(3 * 3600 + 60)
    cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "New", "Value": 1.0}])
    assert [m[1] for m in listing(cw, RecentlyActive="PT3H")] == ["New"]
    assert [m[1] for m in listing(cw)] == ["New", "Old"]
    aws.clock.advance(14 * 86400)
    cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Newest", "Value": 1.0}])
    assert [m[1] for m in listing(cw)] == ["New", "Newest"], "Old reported nothing for 2 weeks"
