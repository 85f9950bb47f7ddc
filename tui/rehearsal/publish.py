"""Publish what the traffic model served as the CloudWatch metrics AWS itself would publish.

The simulator passes `when=None` (`RECEIVED`): a datum then carries no Timestamp and CloudWatch
stamps it with the world's time as it stores it, so a datapoint is readable at the moment its
timestamp names. (Stamped with the step's start instead, each reached the store 3.5 to 11.4
world-seconds after its own time at 60x, while the step read the world: a guardrail looking at
"now" missed data that later appeared in the past, and an alarm period closed without it.)"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from tui.aws.resolve import elb_dimension
from tui.rehearsal.traffic import GroupTraffic

_BATCH = 1000  # PutMetricData's limit of metrics per call
RECEIVED = None  # `when` for "stamped by CloudWatch as it receives the datum"


def datum(
    name: str,
    dims: Mapping[str, str],
    when: datetime | None,
    unit: str,
    value: float | None = None,
    values: list[float] | None = None,
) -> dict[str, Any]:
    datum: dict[str, Any] = {
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "Unit": unit,
    }
    if when is not None:
        datum["Timestamp"] = when
    if values is not None:
        datum["Values"] = values
    else:
        datum["Value"] = value
    return datum


def alb_metrics(
    load_balancer_arn: str,
    group_arns: Mapping[str, str],
    traffic: Mapping[str, GroupTraffic],
    when: datetime | None,
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
    dims: Mapping[str, str], served: GroupTraffic, when: datetime | None
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
