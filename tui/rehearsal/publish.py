"""Publish what the traffic model served as the CloudWatch metrics AWS itself would publish."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from tui.aws.resolve import elb_dimension
from tui.rehearsal.traffic import GroupTraffic

_BATCH = 1000  # PutMetricData's limit of metrics per call


def datum(
    name: str,
    dims: Mapping[str, str],
    when: datetime,
    unit: str,
    value: float | None = None,
    values: list[float] | None = None,
) -> dict[str, Any]:
    datum: dict[str, Any] = {
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "Timestamp": when,
        "Unit": unit,
    }
    if values is not None:
        datum["Values"] = values
    else:
        datum["Value"] = value
    return datum


def alb_metrics(
    load_balancer_arn: str,
    group_arns: Mapping[str, str],
    traffic: Mapping[str, GroupTraffic],
    when: datetime,
) -> Iterator[dict[str, Any]]:
    """AWS/ApplicationELB data for the load balancer and for each target group behind it."""
    lb = {"LoadBalancer": elb_dimension(load_balancer_arn)}
    totals = GroupTraffic()
    for name, served in traffic.items():
        dims = {"TargetGroup": elb_dimension(group_arns[name]), **lb}
        yield from _group_metrics(dims, served, when)
        yield datum("HealthyHostCount", dims, when, "Count", served.healthy_hosts)
        yield datum("UnHealthyHostCount", dims, when, "Count", served.unhealthy_hosts)
        totals.requests += served.requests
        totals.target_5xx += served.target_5xx
        totals.elb_5xx += served.elb_5xx
        totals.latencies.extend(served.latencies)
    yield from _group_metrics(lb, totals, when)
    yield datum("HTTPCode_ELB_5XX_Count", lb, when, "Count", totals.elb_5xx)


def _group_metrics(
    dims: Mapping[str, str], served: GroupTraffic, when: datetime
) -> Iterator[dict[str, Any]]:
    yield datum("RequestCount", dims, when, "Count", served.requests)
    yield datum("HTTPCode_Target_5XX_Count", dims, when, "Count", served.target_5xx)
    yield datum(
        "HTTPCode_Target_2XX_Count",
        dims,
        when,
        "Count",
        served.requests - served.target_5xx - served.elb_5xx,
    )
    if served.latencies:
        yield datum("TargetResponseTime", dims, when, "Seconds", values=served.latencies[:150])


def put_all(cloudwatch: Any, namespace: str, data: list[dict[str, Any]]) -> None:
    """PutMetricData in as few calls as its limits allow."""
    for start in range(0, len(data), _BATCH):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + _BATCH])
