"""`turnout policy`'s document for every shipped runbook: lint-clean by parliament (a policy
linter that knows every service's actions and resource types), `"*"` only where AWS requires
it and then with a Sid saying why, and every operation of the catalogue the runbook uses."""

from __future__ import annotations

from pathlib import Path

import parliament
import pytest
from parliament.statement import get_privilege_info

from tui.runbook.loader import load_runbook
from tui.runbook.policy import iam_action, least_privilege, operations, policy_json

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"
SHIPPED = sorted(p.stem for p in RUNBOOKS.glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_the_policy_is_lint_clean(name: str) -> None:
    policy = least_privilege(load_runbook(RUNBOOKS / f"{name}.yaml"))
    found = parliament.analyze_policy_string(policy_json(policy)).findings
    assert [(f.issue, f.detail) for f in found] == []


@pytest.mark.parametrize("name", SHIPPED)
def test_star_only_where_no_resource_level_permission_exists(name: str) -> None:
    """Each action on "*" is one parliament's database says takes no resource (an action with
    resource types is scoped to the target account and region)."""
    runbook = load_runbook(RUNBOOKS / f"{name}.yaml")
    policy = least_privilege(runbook)
    account, region = runbook.target.account, runbook.target.region
    for statement in policy["Statement"]:
        assert statement["Sid"].isalnum()
        if statement["Resource"] == ["*"]:
            for action in statement["Action"]:
                service, name_ = action.split(":")
                kinds = get_privilege_info(service, name_)["resource_types"]
                required = [k for k in kinds if k["resource_type"].endswith("*")]
                assert not required, (action, required)
        else:
            for arn in statement["Resource"]:
                assert account in arn or ":::" in arn or f":{region}::" in arn, arn


@pytest.mark.parametrize("name", SHIPPED)
def test_every_catalogue_operation_is_allowed(name: str) -> None:
    runbook = load_runbook(RUNBOOKS / f"{name}.yaml")
    allowed = {a for s in least_privilege(runbook)["Statement"] for a in s["Action"]}
    assert {iam_action(op) for op in operations(runbook)} <= allowed
    assert {"sts:GetCallerIdentity", "iam:SimulatePrincipalPolicy"} <= allowed
