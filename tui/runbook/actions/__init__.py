"""The action catalogue: every action a runbook step can name, one module per AWS service.

`CATALOGUE` maps an action's name (`elbv2.set_weights`) to its `ActionSpec`; `CHECKS` maps a
precondition or guardrail kind to the operations it reads with.
"""

from __future__ import annotations

from tui.runbook.actions import autoscaling, cloudwatch, ec2, ecs, elbv2, general, rds, route53
from tui.runbook.actions.checks import CHECKS
from tui.runbook.actions.spec import ActionSpec, ArgSpec, CheckSpec

CATALOGUE: dict[str, ActionSpec] = {
    spec.name: spec
    for module in (general, ec2, autoscaling, elbv2, route53, rds, ecs, cloudwatch)
    for spec in module.ACTIONS
}


def get_action(name: str) -> ActionSpec | None:
    """The action called `name`, or None if there is no such action."""
    return CATALOGUE.get(name)


__all__ = ["CATALOGUE", "CHECKS", "ActionSpec", "ArgSpec", "CheckSpec", "get_action"]
