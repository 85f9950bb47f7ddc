"""iam:SimulatePrincipalPolicy, answered from the evaluator the world enforces with.

moto has no policy simulator. AWS's (IAM API Reference, SimulatePrincipalPolicy and
EvaluationResult): the identity policies of the user (with its groups') or role named by
`PolicySourceArn`, plus any `PolicyInputList`, are evaluated for each of `ActionNames` on each
of `ResourceArns` (default `*`). "The simulator now returns a single EvaluationResult per
action, regardless of how many resource ARNs are provided"; its `EvalDecision` (`allowed`,
`explicitDeny`, `implicitDeny`) "reflects the most restrictive decision across all resources",
each resource's own being in `ResourceSpecificResults`. `MatchedStatements` lists the
statements that decided it; for an explicit deny, "the deny statement is the only entry".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.iam.responses import IamResponse

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.iam.evaluation import (
    ALLOWED,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    SourcePolicy,
    decide,
    principal_policies,
)
from tui.rehearsal.fidelity.world_time import WorldTime

_SEVERITY = {ALLOWED: 0, IMPLICIT_DENY: 1, EXPLICIT_DENY: 2}


def _statements(decision: Decision) -> list[dict[str, Any]]:
    return [
        {"SourcePolicyId": policy.policy_id, "SourcePolicyType": policy.policy_type}
        for policy, _index in decision.matched
    ]


def simulate(policies: list[SourcePolicy], actions: list[str], resources: list[str]) -> list[dict]:
    """AWS's EvaluationResults for `actions` over `resources`."""
    results = []
    for action in actions:
        per_resource = [(arn, decide(policies, action, arn)) for arn in resources]
        worst = max((d for _, d in per_resource), key=lambda d: _SEVERITY[d.decision])
        result: dict[str, Any] = {
            "EvalActionName": action,
            "EvalResourceName": resources[0] if len(resources) == 1 else "*",
            "EvalDecision": worst.decision,
            "MatchedStatements": _statements(worst),
            "MissingContextValues": [],
        }
        if resources != ["*"]:
            result["ResourceSpecificResults"] = [
                {
                    "EvalResourceName": arn,
                    "EvalResourceDecision": d.decision,
                    "MatchedStatements": _statements(d),
                    "MissingContextValues": [],
                }
                for arn, d in per_resource
            ]
        results.append(result)
    return results


def simulate_principal_policy(self: IamResponse) -> ActionResult:
    import json

    arn = self._get_param("PolicySourceArn")
    policies = principal_policies(self.backend, arn)
    extra = self._get_param("PolicyInputList") or []
    policies += [SourcePolicy(f"input-{i + 1}", "none", json.loads(p)) for i, p in enumerate(extra)]
    actions = self._get_param("ActionNames") or []
    resources = self._get_param("ResourceArns") or ["*"]
    return ActionResult(
        {"EvaluationResults": simulate(policies, actions, resources), "IsTruncated": False}
    )


def install(time: WorldTime) -> None:
    """IAM answers SimulatePrincipalPolicy."""
    patching.patch(IamResponse, "simulate_principal_policy", simulate_principal_policy)


def tick(time: WorldTime, now: datetime) -> None:
    """A simulation reads policies as they are: nothing moves with time."""
    return None
