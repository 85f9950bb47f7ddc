"""`turnout policy` and the policy files `--policy` reads, as a person types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"


def test_policy_prints_the_document_and_writes_it_with_o(turnout, tmp_path: Path) -> None:
    shown = turnout("policy", str(RUNBOOKS / "alb-canary.yaml"), "--set", "account=111122223333")
    assert shown.code == 0
    document = json.loads(shown.out)
    assert document["Version"] == "2012-10-17"
    assert any("111122223333" in r for s in document["Statement"] for r in s["Resource"])
    target = tmp_path / "p.json"
    written = turnout("policy", str(RUNBOOKS / "alb-canary.yaml"), "-o", str(target))
    assert written.code == 0 and json.loads(target.read_text())["Statement"]


def test_policy_with_a_lock_table_allows_its_item_calls(turnout) -> None:
    shown = turnout("policy", str(RUNBOOKS / "ecs-rolling.yaml"), "--lock-table", "leases")
    (table,) = [s for s in json.loads(shown.out)["Statement"] if s["Sid"] == "LeasesInTheLockTable"]
    assert table["Resource"] == ["arn:aws:dynamodb:us-east-1:123456789012:table/leases"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "not JSON"),
        ('["not", "a", "policy"]', "not an IAM policy document"),
        ('{"Statement": [{"Effect": "Allow"}]}', "not an IAM policy document"),
    ],
)
def test_a_bad_policy_file_is_exit_2_naming_the_file(turnout, tmp_path, text, said) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    result = turnout("rehearse", str(RUNBOOKS / "alb-canary.yaml"), "--policy", str(bad))
    assert result.code == 2
    assert str(bad) in result.err and said in result.err
    assert "Traceback" not in result.err


def test_a_missing_policy_file_is_exit_2(turnout, tmp_path) -> None:
    result = turnout(
        "preflight", str(RUNBOOKS / "alb-canary.yaml"), "--policy", str(tmp_path / "none.json")
    )
    assert result.code == 2 and "cannot read the policy" in result.err


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ({"Effect": "Allow", "Action": "elasticloadbalancing:*", "Resource": "*"}, "wildcard"),
        ({"Effect": "Allow", "NotAction": "iam:*", "Action": "ec2:X"}, "Allow statements"),
        ({"Effect": "Deny", "Action": "ec2:X", "Resource": "*"}, "Allow statements"),
    ],
)
def test_preflight_checks_only_named_allowed_actions(turnout, tmp_path, statement, said) -> None:
    """Refused before any AWS call (the test's AWS is unreachable empty config)."""
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": statement}))
    result = turnout("preflight", str(RUNBOOKS / "alb-canary.yaml"), "--policy", str(policy))
    assert result.code == 2 and said in result.err and str(policy) in result.err


def test_a_huge_policy_file_is_refused_unread(turnout, tmp_path, monkeypatch) -> None:
    from tui.commands import policy as module

    monkeypatch.setattr(module, "MAX_POLICY_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text("{" + " " * 200 + "}")
    result = turnout("rehearse", str(RUNBOOKS / "alb-canary.yaml"), "--policy", str(big))
    assert result.code == 2 and "not a policy" in result.err
