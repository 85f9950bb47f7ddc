"""Route 53 actions: weighted records for a DNS canary."""

from __future__ import annotations

from typing import Any

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T


def _some_traffic(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    weights = args.get("weights") or {}
    if not weights:
        return [("weights", "give a weight for at least one set identifier")]
    if not any(weights.values()):
        return [
            (
                "weights",
                "every weight is 0: Route 53 would then share traffic equally "
                "between all the records; give the live one a weight",
            )
        ]
    return []


SET_WEIGHTS = ActionSpec(
    name="route53.set_weights",
    summary="Set the weights of a name's weighted records (by set identifier) and wait until "
    "Route 53 reports the change INSYNC.",
    risk=Risk.MUTATING,
    args=(
        arg("zone", T.STRING, "The hosted zone's name, e.g. shop.example.com.", required=True),
        arg("record", T.STRING, "The record's name, e.g. app.shop.example.com", required=True),
        arg(
            "type",
            T.STRING,
            "The record type; omit to match the weighted records of any type.",
            choices=("A", "AAAA", "CNAME"),
        ),
        arg(
            "weights",
            T.INTEGER_MAP,
            "Weight per set identifier (0-255).",
            required=True,
            minimum=0,
            maximum=255,
        ),
    ),
    operations=(
        "route53.ListHostedZonesByName",
        "route53.ListResourceRecordSets",
        "route53.ChangeResourceRecordSets",
        "route53.GetChange",
    ),
    undo="Puts back the weights recorded before the change.",
    undo_operations=("route53.ChangeResourceRecordSets", "route53.GetChange"),
    records="Each weighted record's weight before the change.",
    rules=(_some_traffic,),
)

ACTIONS = (SET_WEIGHTS,)
