"""Forward actions' target group weights checked as Elastic Load Balancing checks them: 0 to 999.

moto 5.2.5 stores any weight in a forward action's ForwardConfig, so a runbook's typo (weight
1000, or -1) passed in rehearsal and would fail in the window. AWS (API Reference,
TargetGroupTuple: Weight, "The weight. The range is 0 to 999.") refuses the call with
ValidationError (HTTP 400, the common error "The input fails to satisfy the constraints
specified by an AWS service"), naming the value and where it was, in AWS's usual constraint
wording, and changes nothing. botocore does not check this range (the model gives none), so
every SDK's call reaches the service.

Checked on the four calls that carry actions: CreateListener and ModifyListener
(`DefaultActions`), CreateRule and ModifyRule (`Actions`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.elbv2.exceptions import ELBClientError
from moto.elbv2.responses import ELBV2Response

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.aws_errors import out_of_range
from tui.rehearsal.fidelity.world_time import WorldTime

MIN_WEIGHT, MAX_WEIGHT = 0, 999
# Each call's actions parameter: its name in the request, and as AWS's messages spell it.
CALLS = {
    "create_listener": ("DefaultActions", "defaultActions"),
    "modify_listener": ("DefaultActions", "defaultActions"),
    "create_rule": ("Actions", "actions"),
    "modify_rule": ("Actions", "actions"),
}


def weight_problem(actions: list[dict[str, Any]], spelled: str) -> str | None:
    """AWS's message for the first out-of-range weight among `actions`, if any."""
    for number, action in enumerate(actions or [], start=1):
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        for place, group in enumerate(groups, start=1):
            weight = group.get("Weight")
            if weight is None:
                continue
            where = f"{spelled}.{number}.member.forwardConfig.targetGroups.{place}.member.weight"
            problem = out_of_range(weight, where, MIN_WEIGHT, MAX_WEIGHT)
            if problem:
                return problem
    return None


def _checked(parameter: str, spelled: str) -> Any:
    def wrapper(original: Any) -> Any:
        def call(self: ELBV2Response) -> Any:
            problem = weight_problem(self._get_param(parameter, []), spelled)
            if problem is not None:
                raise ELBClientError("ValidationError", problem)
            return original(self)

        return call

    return wrapper


def install(time: WorldTime) -> None:
    """Check weights before moto changes anything."""
    for name, (parameter, spelled) in CALLS.items():
        patching.wrap(ELBV2Response, name, _checked(parameter, spelled))


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing to advance: weights are checked as calls arrive."""
