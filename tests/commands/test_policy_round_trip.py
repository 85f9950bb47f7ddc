"""The policy's round trip for every shipped runbook (issue 17): with any one action removed
from what `turnout policy` prints, the preflight refuses (exit 5) naming that action, before
any call that changes anything. (Allowed -> exit 0 is the healthy drill of every shipped
runbook, held to its policy: tests/engine/test_drills.py.)

One in-process world serves every runbook (it seeds the stack they all act on); the operator
role's policy is rewritten between cases with the world's own key."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from tests.engine.drill import RUNBOOKS, DrillClock
from tests.rehearsal.world_drill import start_world
from tui.audit.chain import read_log
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.aws.preflight import _permissions
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.rehearsal import names
from tui.rehearsal.operator_role import ROLE
from tui.runbook.loader import load_runbook
from tui.runbook.mutates import MUTATING_ACTIONS
from tui.runbook.policy import least_privilege, policy_actions, policy_json

SHIPPED = sorted(p.stem for p in RUNBOOKS.glob("*.yaml"))
# Read-only AWS operations start with one of these; anything else changes AWS.
READS = ("Describe", "List", "Get", "Simulate")
_SWEPT: set[str] = set()


@pytest.fixture(scope="module")
def world() -> Iterator[object]:
    first = load_runbook(RUNBOOKS / f"{SHIPPED[0]}.yaml")
    made = start_world(policy=policy_json(least_privilege(first)))
    made.drill_clock = DrillClock(made, 60.0)  # type: ignore[attr-defined]
    yield made
    made.stop()


def _hold_to(world: object, policy: dict) -> None:
    world.clients.client("iam").put_role_policy(  # type: ignore[attr-defined]
        RoleName=ROLE, PolicyName="turnout", PolicyDocument=json.dumps(policy)
    )


def _without(policy: dict, action: str) -> dict:
    statements = []
    for statement in policy["Statement"]:
        kept = [a for a in statement["Action"] if a != action]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**policy, "Statement": statements}


def _cloud(world: object, recorder: object = None) -> AwsCloud:
    clients = ClientFactory(
        region=names.REGION,
        credentials=world.session_credentials(),  # type: ignore[attr-defined]
        recorder=recorder,  # type: ignore[arg-type]
    )
    return AwsCloud(AwsContext(clients, world.drill_clock))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", SHIPPED)
def test_each_action_removed_is_named_with_the_statement_to_add(world, name: str) -> None:
    """iam:SimulatePrincipalPolicy over every statement finds exactly the one action taken
    out, whichever it is, and says which statement to add back."""
    runbook = load_runbook(RUNBOOKS / f"{name}.yaml")
    policy = least_privilege(runbook)
    cloud = _cloud(world)
    identity = cloud.identity()
    try:
        # An action is found missing the same way whichever runbook's policy it is taken from:
        # each is taken out once, under the first runbook that calls it (the suite's budget).
        for action in [a for a in policy_actions(policy) if a not in _SWEPT]:
            _SWEPT.add(action)
            _hold_to(world, _without(policy, action))
            rows = _permissions(cloud.ctx, identity, policy)
            failed = [row for row in rows if row.result == "fail"]
            assert [m for row in failed for m in row.missing] == [action], (action, rows)
            assert action in failed[0].todo and '"Effect": "Allow"' in failed[0].todo
        _hold_to(world, policy)
        assert [row.result for row in _permissions(cloud.ctx, identity, policy)] == ["ok"]
    finally:
        _hold_to(world, policy)


def _first_mutating_action(runbook: object) -> str:
    from tui.runbook.actions import CATALOGUE
    from tui.runbook.policy import iam_action

    for step in runbook.order:  # type: ignore[attr-defined]
        if step.action in MUTATING_ACTIONS:
            for op in CATALOGUE[step.action].operations:
                if not op.split(".", 1)[1].startswith(READS):
                    return iam_action(op)
    raise AssertionError("no mutating action")


@pytest.mark.parametrize("name", SHIPPED)
def test_a_session_missing_an_action_refuses_before_any_change(
    world, name: str, tmp_path: Path
) -> None:
    """The session's own preflight refuses (exit 5) naming the action, and the audit log shows
    no call that changes anything was sent (every api.intent is a read)."""
    runbook = load_runbook(RUNBOOKS / f"{name}.yaml")
    policy = least_privilege(runbook)
    action = _first_mutating_action(runbook)
    _hold_to(world, _without(policy, action))
    out = io.StringIO()
    try:
        outcome = open_session(
            SessionRequest(
                runbook,
                clock=world.drill_clock,  # type: ignore[attr-defined]
                make_cloud=lambda recorder: _cloud(world, recorder),
                sessions_dir=str(tmp_path),
                options=SessionOptions(poll=60, mode="rehearsal", preflight=True),
                auto_approve=True,
                console=Console(file=out, width=200, soft_wrap=True),
            )
        )
    finally:
        _hold_to(world, policy)
    assert int(outcome.code) == 5, out.getvalue()[-2000:]
    assert action in out.getvalue()
    records = read_log(outcome.session_dir / "audit.jsonl").records
    sent = [r.payload["operation"] for r in records if r.type == "api.intent"]
    assert sent and all(op.startswith(READS) for op in sent), sent
    (checked,) = [r for r in records if r.type == "preflight.checked"]
    assert checked.payload["refused"] is True
    assert not [r for r in records if r.type in ("checklist.answer", "step.start")]


def _as_operator(world: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment `turnout preflight` reads, holding the operator role's session (the
    world is in-process: moto's mock answers boto3 without an endpoint)."""
    creds = world.session_credentials()  # type: ignore[attr-defined]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["aws_secret_access_key"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", creds["aws_session_token"])
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # As `aws configure export-credentials --format env` sets it; botocore reads it on the
    # wall clock (the world's is elsewhere), so the test's is a wall-clock time too.
    expires = datetime.now(UTC) + timedelta(hours=12)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", expires.isoformat())


def test_turnout_preflight_prints_the_table_and_exits_5_naming_the_missing_action(
    world, turnout, monkeypatch
) -> None:
    path = RUNBOOKS / "alb-canary.yaml"
    policy = least_privilege(load_runbook(path))
    _as_operator(world, monkeypatch)
    _hold_to(world, policy)
    passed = turnout("preflight", str(path))
    assert passed.code == 0, passed.out
    assert "preflight passed" in passed.out
    assert "credentials" in passed.out and "expire at" in passed.out
    _hold_to(world, _without(policy, "elasticloadbalancing:ModifyListener"))
    try:
        refused = turnout("preflight", str(path))
    finally:
        _hold_to(world, policy)
    assert refused.code == 5, refused.out
    assert "missing actions: elasticloadbalancing:ModifyListener" in refused.out
    assert "add to its policy" in refused.out


def test_a_statement_scoped_to_another_resource_is_found_missing(world) -> None:
    """The simulation runs over the real ARNs the preflight found (the listener's, with its
    load balancer's and listener's ids), so a role scoped to another load balancer fails
    though its actions are all there (moto itself cannot tell: it checks actions only)."""
    from tui.aws.preflight import run_preflight

    runbook = load_runbook(RUNBOOKS / "alb-canary.yaml")
    policy = least_privilege(runbook)
    elsewhere = json.loads(json.dumps(policy).replace("/web-alb/", "/other-alb/"))
    cloud = _cloud(world)
    _hold_to(world, elsewhere)
    try:
        rows = run_preflight(cloud.ctx, runbook, cloud.identity(), policy)
    finally:
        _hold_to(world, policy)
    failed = [row for row in rows if row.result == "fail"]
    assert [m for row in failed for m in row.missing] == ["elasticloadbalancing:ModifyListener"]
    assert "web-alb" in failed[0].todo


def test_a_refresh_above_desired_is_checked_against_the_ec2_vcpu_quota(world) -> None:
    """MaxHealthyPercentage 150 on a group of desired D may launch ceil(D / 2) more: the row
    adds what runs now and what the refresh adds, in vCPUs, against L-1216C47A (read from the
    world's Service Quotas); with the quota lowered below that it refuses, naming the quota
    and by how much. Old code: the row was `not checked` whatever the quota."""
    from dataclasses import replace

    from tui.aws.preflight_quotas import quota_rows
    from tui.rehearsal.fidelity.servicequotas import ec2_quotas

    runbook = load_runbook(RUNBOOKS / "asg-instance-refresh.yaml")
    order = tuple(
        replace(s, arguments={**s.arguments, "max_healthy_percentage": 150})
        if s.action == "autoscaling.instance_refresh"
        else s
        for s in runbook.order
    )
    above = replace(runbook, order=order)
    policy = least_privilege(above)
    assert "servicequotas:GetServiceQuota" in {
        a for st in policy["Statement"] for a in st["Action"]
    }
    _hold_to(world, policy)
    cloud = _cloud(world)
    cloud.identity()
    group = next(s for s in order if s.action == "autoscaling.instance_refresh").arguments["group"]
    desired = world.clients.client("autoscaling").describe_auto_scaling_groups(  # type: ignore[attr-defined]
        AutoScalingGroupNames=[group]
    )["AutoScalingGroups"][0]["DesiredCapacity"]
    try:
        (roomy,) = quota_rows(cloud.ctx, above)
        ec2_quotas.set_value("L-1216C47A", 4)
        (tight,) = quota_rows(cloud.ctx, above)
    finally:
        ec2_quotas.reset()
        _hold_to(world, least_privilege(load_runbook(RUNBOOKS / f"{SHIPPED[0]}.yaml")))
    assert roomy.result == "ok", roomy.detail
    assert f"may add {-(-desired // 2)} instance(s) above its desired {desired}" in roomy.detail
    assert "the quota L-1216C47A is 256 vCPUs" in roomy.detail
    assert (
        tight.result == "fail" and "L-1216C47A" in tight.todo and "raised by at least" in tight.todo
    )


def test_a_quota_that_cannot_be_read_is_not_checked_and_says_what_to_look_at(world) -> None:
    """Held to a policy without servicequotas:GetServiceQuota (a runbook's policy from before),
    the row is `not checked`, never a refusal or a crash."""
    from dataclasses import replace

    from tui.aws.preflight_quotas import quota_rows

    runbook = load_runbook(RUNBOOKS / "asg-instance-refresh.yaml")
    order = tuple(
        replace(s, arguments={**s.arguments, "max_healthy_percentage": 150})
        if s.action == "autoscaling.instance_refresh"
        else s
        for s in runbook.order
    )
    _hold_to(
        world,
        _without(least_privilege(replace(runbook, order=order)), "servicequotas:GetServiceQuota"),
    )
    try:
        (row,) = quota_rows(_cloud(world).ctx, replace(runbook, order=order))
    finally:
        _hold_to(world, least_privilege(load_runbook(RUNBOOKS / f"{SHIPPED[0]}.yaml")))
    assert row.result == "not checked" and "L-1216C47A" in row.todo
