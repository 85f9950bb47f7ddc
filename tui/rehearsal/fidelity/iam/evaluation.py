"""One IAM decision, from moto's own statement evaluator, for both the world's enforcement of a
policy (`access_control.py`) and its answer to SimulatePrincipalPolicy (`simulate_principal.py`).

AWS's evaluation logic (IAM User Guide, "Policy evaluation logic"): an explicit Deny in any
policy wins; otherwise an Allow in any policy allows; otherwise the request is implicitly
denied. moto's `IAMPolicyStatement` matches one statement's Action, Resource and Condition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.iam.models import IAMBackend, Policy

ALLOWED, IMPLICIT_DENY, EXPLICIT_DENY = "allowed", "implicitDeny", "explicitDeny"


@dataclass(frozen=True)
class SourcePolicy:
    """One policy of a principal: its id (inline name or managed ARN), type and document."""

    policy_id: str
    policy_type: str  # IAM's PolicySourceType: user, group, role, aws-managed, user-managed
    document: dict[str, Any]


@dataclass
class Decision:
    """What IAM decides for one action on one resource, and the statements that decided it."""

    decision: str
    matched: list[tuple[SourcePolicy, int]] = field(default_factory=list)


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def decide(policies: list[SourcePolicy], action: str, resource: str | None) -> Decision:
    """The decision on `action` over `resource`; `resource` None when the request's resource
    is not known (moto checks most requests against "*"): each statement's Resource then
    counts as covering it, so the action is what is enforced."""
    allows: list[tuple[SourcePolicy, int]] = []
    for policy in policies:
        for index, statement in enumerate(_statements(policy.document)):
            if resource is None:
                statement = {
                    k: v for k, v in statement.items() if k not in ("Resource", "NotResource")
                }
                statement["Resource"] = "*"
            result = IAMPolicyStatement(statement).is_action_permitted(action, resource or "*")
            if result is PermissionResult.DENIED and statement.get("Effect") == "Deny":
                # The deny statement is the only one AWS reports (EvaluationResult docs).
                return Decision(EXPLICIT_DENY, [(policy, index)])
            if result is PermissionResult.PERMITTED:
                allows.append((policy, index))
    return Decision(ALLOWED, allows) if allows else Decision(IMPLICIT_DENY)


def _document(text: Any) -> dict[str, Any]:
    return json.loads(text) if isinstance(text, str) else dict(text)


def _managed(policy: Policy) -> SourcePolicy:
    version = next(v for v in policy.versions if v.is_default)
    kind = "aws-managed" if ":aws:policy/" in policy.arn else "user-managed"
    return SourcePolicy(policy.arn, kind, _document(version.document))


def principal_policies(backend: IAMBackend, arn: str) -> list[SourcePolicy]:
    """Every identity policy of the user or role `arn` (a user's groups' too, as AWS includes
    them). Raises moto's NoSuchEntity for an unknown principal."""
    name = arn.rsplit("/", 1)[-1]
    found: list[SourcePolicy] = []
    if ":role/" in arn:
        role = backend.get_role_by_arn(arn)
        for pname in backend.list_role_policies(role.name):
            found.append(
                SourcePolicy(pname, "role", _document(backend.get_role_policy(role.name, pname)[1]))
            )
        attached, _ = backend.list_attached_role_policies(role.name)
        return found + [_managed(p) for p in attached]
    backend.get_user(name)
    for pname in backend.list_user_policies(name):
        doc = backend.get_user_policy(name, pname)["policy_document"]
        found.append(SourcePolicy(pname, "user", _document(doc)))
    attached, _ = backend.list_attached_user_policies(name)
    found += [_managed(p) for p in attached]
    for group in backend.get_groups_for_user(name):
        for pname in backend.list_group_policies(group.name):
            doc = backend.get_group_policy(group.name, pname)["policy_document"]
            found.append(SourcePolicy(pname, "group", _document(doc)))
        attached, _ = backend.list_attached_group_policies(group.name)
        found += [_managed(p) for p in attached]
    return found
