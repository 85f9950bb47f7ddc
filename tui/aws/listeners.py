"""Reading and writing the weights of an ALB listener's forward action (elbv2).

A listener's default action forwards to one or more target groups, each with a weight. What is
read here is plain JSON (names, ARNs, weights), so a driver can write it to the audit log before
a change and put it back after a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import CloudError


def forward_state(ctx: AwsContext, load_balancer: str, port: int) -> dict[str, Any]:
    """`{load_balancer, port, listener, groups: [{name, arn, weight}], stickiness}` now."""
    resource = f"{load_balancer}:{port}"
    listener = ctx.resolve.listener_arn(load_balancer, port)
    found = call(
        ctx.clients.client("elbv2"), "describe_listeners", resource, ListenerArns=[listener]
    )["Listeners"][0]
    forwards = [a for a in found["DefaultActions"] if a["Type"] == "forward"]
    if len(forwards) != 1:
        raise CloudError(
            f"listener {resource} does not forward to target groups "
            f"(its default actions: {', '.join(a['Type'] for a in found['DefaultActions'])})",
            service="elbv2",
            operation="DescribeListeners",
            code="NotForwarding",
        )
    action = forwards[0]
    config = action.get("ForwardConfig") or {
        "TargetGroups": [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
    }
    groups = [
        {
            "name": g["TargetGroupArn"].split("/")[-2],
            "arn": g["TargetGroupArn"],
            "weight": int(g.get("Weight", 1)),
        }
        for g in config["TargetGroups"]
    ]
    return {
        "load_balancer": load_balancer,
        "port": port,
        "listener": listener,
        "groups": groups,
        "stickiness": config.get("TargetGroupStickinessConfig", {"Enabled": False}),
    }


def weights_of(state: Mapping[str, Any]) -> dict[str, int]:
    """`{target group name: weight}` of a `forward_state`."""
    return {g["name"]: g["weight"] for g in state["groups"]}


def with_weights(ctx: AwsContext, state: Mapping[str, Any], weights: Mapping[str, int]) -> dict:
    """`state` with the named groups' weights changed (a group the listener does not forward to
    yet is added); groups not named keep their weight."""
    groups = [dict(g) for g in state["groups"]]
    known = {g["name"]: g for g in groups}
    for name, weight in weights.items():
        if name in known:
            known[name]["weight"] = int(weight)
        else:
            arn = ctx.resolve.target_group_arn(name)
            groups.append({"name": name, "arn": arn, "weight": int(weight)})
    return {**state, "groups": groups}


def apply(ctx: AwsContext, state: Mapping[str, Any]) -> None:
    """Make the listener forward exactly as `state` says (ModifyListener)."""
    call(
        ctx.clients.client("elbv2"),
        "modify_listener",
        f"{state['load_balancer']}:{state['port']}",
        ListenerArn=state["listener"],
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": g["arn"], "Weight": g["weight"]} for g in state["groups"]
                    ],
                    "TargetGroupStickinessConfig": dict(state["stickiness"]),
                },
            }
        ],
    )


def describe(weights: Mapping[str, int]) -> str:
    """`web-blue 95, web-green 5`."""
    return ", ".join(f"{name} {weight}" for name, weight in weights.items())
