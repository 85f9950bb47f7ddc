"""Application Load Balancer actions: weighted target groups for blue/green and canaries."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

_FIND_LISTENER = (
    "elbv2.DescribeLoadBalancers",
    "elbv2.DescribeListeners",
    "elbv2.DescribeTargetGroups",
)


def _some_traffic(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    weights = args.get("weights") or {}
    if not weights:
        return [("weights", "give a weight for at least one target group")]
    if not any(weights.values()):
        return [("weights", "every weight is 0: the listener would have nowhere to send traffic")]
    return []


def _canary_steps(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    steps = args.get("steps") or []
    if not steps:
        found.append(("steps", "give the canary percentages, e.g. [5, 25, 50, 100]"))
    if any(b <= a for a, b in pairwise(steps)):
        found.append(("steps", "the percentages must go up, e.g. [5, 25, 50, 100]"))
    if args.get("from") == args.get("to"):
        found.append(("to", "`from` and `to` are the same target group"))
    return found


SET_WEIGHTS = ActionSpec(
    name="elbv2.set_weights",
    summary="Set the weights of the target groups a listener forwards to.",
    risk=Risk.MUTATING,
    args=(
        arg("load_balancer", T.STRING, "The load balancer's name.", required=True),
        arg("port", T.INTEGER, "The listener's port.", default=80, minimum=1, maximum=65535),
        arg(
            "weights",
            T.INTEGER_MAP,
            "Weight per target group name (0-999).",
            required=True,
            minimum=0,
            maximum=999,
        ),
    ),
    operations=(*_FIND_LISTENER, "elbv2.ModifyListener"),
    undo="Puts back the listener's target-group weights recorded before the change.",
    undo_operations=("elbv2.ModifyListener",),
    records="The listener's forward action (every target group and weight) before the change.",
    rules=(_some_traffic,),
)

SHIFT_WEIGHTS = ActionSpec(
    name="elbv2.shift_weights",
    summary="Move traffic from one target group to another in canary steps, baking between steps "
    "while the guardrails are watched; then let the old group's connections drain.",
    risk=Risk.MUTATING,
    args=(
        arg("load_balancer", T.STRING, "The load balancer's name.", required=True),
        arg("port", T.INTEGER, "The listener's port.", default=80, minimum=1, maximum=65535),
        arg("from", T.STRING, "The target group traffic leaves (blue).", required=True),
        arg("to", T.STRING, "The target group traffic moves to (green).", required=True),
        arg(
            "steps",
            T.INTEGER_LIST,
            "Percent of traffic on `to` after each step.",
            required=True,
            minimum=1,
            maximum=100,
        ),
        arg(
            "bake",
            T.DURATION,
            "How long each step is watched before the next.",
            default=Duration(300),
        ),
        arg(
            "drain",
            T.BOOLEAN,
            "After the last step, wait the `from` group's deregistration delay "
            "so requests in flight finish.",
            default=True,
        ),
    ),
    operations=(
        *_FIND_LISTENER,
        "elbv2.DescribeTargetHealth",
        "elbv2.ModifyListener",
        "elbv2.DescribeTargetGroupAttributes",
    ),
    undo="Puts back the weights recorded before the first shift (all traffic where it was).",
    undo_operations=("elbv2.ModifyListener",),
    records="The listener's forward action before the first shift, and each step reached.",
    rules=(_canary_steps,),
)

SET_DEREGISTRATION_DELAY = ActionSpec(
    name="elbv2.set_deregistration_delay",
    summary="Set how long a target group lets in-flight requests finish on a deregistered target.",
    risk=Risk.MUTATING,
    args=(
        arg("target_group", T.STRING, "The target group's name.", required=True),
        arg(
            "delay",
            T.DURATION,
            "The deregistration delay (0s-3600s).",
            required=True,
            minimum=0,
            maximum=3600,
        ),
    ),
    operations=(
        "elbv2.DescribeTargetGroups",
        "elbv2.DescribeTargetGroupAttributes",
        "elbv2.ModifyTargetGroupAttributes",
    ),
    undo="Puts back the deregistration delay recorded before the change.",
    undo_operations=("elbv2.ModifyTargetGroupAttributes",),
    records="The target group's deregistration delay before the change.",
)

WAIT_DRAINED = ActionSpec(
    name="elbv2.wait_drained",
    summary="Wait until no target of a target group is still draining connections.",
    risk=Risk.READ_ONLY,
    args=(
        arg("target_group", T.STRING, "The target group's name.", required=True),
        arg(
            "timeout",
            T.DURATION,
            "Fail the step if still draining after this long.",
            default=Duration(600),
            minimum=1,
        ),
    ),
    operations=("elbv2.DescribeTargetGroups", "elbv2.DescribeTargetHealth"),
    undo="Nothing to undo.",
)

ACTIONS = (SET_WEIGHTS, SHIFT_WEIGHTS, SET_DEREGISTRATION_DELAY, WAIT_DRAINED)
