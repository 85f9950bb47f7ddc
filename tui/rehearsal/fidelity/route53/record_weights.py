"""Weighted records' weights checked as Route 53 checks them: 0 to 255, or InvalidInput.

moto 5.2.5 stores any weight it is given, so a runbook's typo (weight 256) passed in rehearsal and
would fail in the window. AWS (API Reference, ResourceRecordSet: Weight, "Valid Range: Minimum
value of 0. Maximum value of 255.") refuses the whole change batch with InvalidInput (HTTP 400,
"The input is not valid", ChangeResourceRecordSets' documented error), naming the value and
where it was, in AWS's usual constraint wording; nothing in the batch is changed ("Route 53
validates the changes in the request and then either makes all or none of the changes").

botocore itself refuses a negative weight before sending (the model's minimum); the world
refuses it too, for callers with parameter validation off and for other SDKs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.route53.exceptions import InvalidInput
from moto.route53.models import Route53Backend

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.aws_errors import out_of_range
from tui.rehearsal.fidelity.world_time import WorldTime

MIN_WEIGHT, MAX_WEIGHT = 0, 255


def weight_problem(changes: list[dict[str, Any]]) -> str | None:
    """AWS's message for the first out-of-range weight in a change batch, if any."""
    for number, change in enumerate(changes, start=1):
        weight = (change.get("ResourceRecordSet") or {}).get("Weight")
        if weight is None:
            continue
        where = f"changeBatch.changes.{number}.member.resourceRecordSet.weight"
        problem = out_of_range(weight, where, MIN_WEIGHT, MAX_WEIGHT)
        if problem:
            return problem
    return None


def _checked(original: Any) -> Any:
    def change_resource_record_sets(
        self: Route53Backend, zoneid: str, change_list: list[dict[str, Any]]
    ) -> None:
        problem = weight_problem(change_list)
        if problem is not None:
            raise InvalidInput(problem)
        return original(self, zoneid, change_list)

    return change_resource_record_sets


def install(time: WorldTime) -> None:
    """Check weights before moto changes anything."""
    patching.wrap(Route53Backend, "change_resource_record_sets", _checked)


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing to advance: weights are checked as changes arrive."""
