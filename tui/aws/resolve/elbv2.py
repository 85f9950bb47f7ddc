"""Application Load Balancer names to ARNs: load balancers, target groups, listeners (by port),
and the CloudWatch dimension of an ELB ARN."""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
from tui.aws.resolve.missing import first, not_found


def elb_dimension(arn: str) -> str:
    """The CloudWatch dimension of an ELB ARN: `arn:...:loadbalancer/app/web-alb/50dc...` ->
    `app/web-alb/50dc...`; `arn:...:targetgroup/web-green/7a...` -> `targetgroup/web-green/7a...`.
    """
    resource = arn.split(":", 5)[5]
    return resource.split("/", 1)[1] if resource.startswith("loadbalancer/") else resource


def load_balancer_arn(elbv2: Any, name: str, account: str | None = None) -> str:
    """The ARN of the load balancer called `name`."""
    return first(
        elbv2,
        "describe_load_balancers",
        "LoadBalancers",
        "load balancer",
        name,
        ("LoadBalancerNotFound",),
        account=account,
        Names=[name],
    )["LoadBalancerArn"]


def target_group_arn(elbv2: Any, name: str, account: str | None = None) -> str:
    """The ARN of the target group called `name`."""
    return first(
        elbv2,
        "describe_target_groups",
        "TargetGroups",
        "target group",
        name,
        ("TargetGroupNotFound",),
        account=account,
        Names=[name],
    )["TargetGroupArn"]


def listener_arn(
    elbv2: Any, load_balancer: str, arn: str, port: int, account: str | None = None
) -> str:
    """The ARN of the listener on `port` of `load_balancer` (whose ARN is `arn`)."""
    key = f"{load_balancer}:{port}"
    listeners: list[dict] = []
    params = {"LoadBalancerArn": arn}
    while True:
        page = call(elbv2, "describe_listeners", key, **params)
        listeners += page["Listeners"]
        if not page.get("NextMarker"):
            break
        params["Marker"] = page["NextMarker"]
    for listener in listeners:
        if listener["Port"] == port:
            return listener["ListenerArn"]
    ports = ", ".join(str(item["Port"]) for item in listeners) or "none"
    raise not_found(
        elbv2,
        "DescribeListeners",
        "listener",
        key,
        account=account,
        advice=f"{load_balancer}'s listeners are on ports {ports}: check `port` in the runbook",
    )
