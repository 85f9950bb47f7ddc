"""`approvals:` in the language (tui/runbook/approvals.py): on a step and on the runbook, what
it implies, and each mistake named at its line."""

from __future__ import annotations

import pytest

from tui.runbook.loader import load_text
from tui.runbook.problems import RunbookInvalid

HEAD = """
runbook: four-eyes
title: Four eyes
target: {account: "123456789012", region: us-east-1}
"""
STEP = """steps:
  - id: go
    action: wait
    with: {duration: 1m}
    approvals: APPROVALS
"""


def test_a_steps_approvals_are_read_and_make_it_confirmed() -> None:
    runbook = load_text(
        HEAD + STEP.replace("APPROVALS", '{required: 2, from: [bob, "arn:aws:iam::*:role/ops-*"]}')
    )
    step = runbook.order[0]
    assert step.confirm and step.approvals is not None
    assert (step.approvals.required, step.approvals.approvers) == (
        2,
        ("bob", "arn:aws:iam::*:role/ops-*"),
    )
    assert int(step.approvals.timeout) == 15 * 60 and runbook.approvals is None


def test_the_runbooks_approvals_are_read() -> None:
    text = (
        HEAD
        + "approvals: {required: 1, timeout: 5m}\n"
        + STEP.replace("    approvals: APPROVALS\n", "")
    )
    runbook = load_text(text)
    assert runbook.approvals is not None and int(runbook.approvals.timeout) == 300
    assert runbook.order[0].approvals is None and not runbook.order[0].confirm


@pytest.mark.parametrize(
    ("approvals", "message"),
    [
        ("{required: 0}", "between 1 and 5 people"),
        ("{required: 9}", "between 1 and 5 people"),
        ("{from: [bob]}", 'missing required key "required"'),
        ('{required: 1, from: ["bob smith"]}', "neither an ARN pattern"),
        ('{required: 1, from: ["arn:aws:iam"]}', "neither an ARN pattern"),
        ("{required: 1, who: [bob]}", 'unknown key "who"'),
        ("{required: 1, timeout: soon}", "approvals.timeout"),
        ("yes", "expected a mapping"),
    ],
)
def test_each_mistake_is_named_at_its_line(approvals: str, message: str) -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_text(HEAD + STEP.replace("APPROVALS", approvals), "rb.yaml")
    text = str(caught.value)
    assert message in text and "rb.yaml:9:" in text, text


def test_a_rollback_step_cannot_wait_for_approvals() -> None:
    text = (
        HEAD
        + STEP.replace("    approvals: APPROVALS\n", "")
        + (
            "rollback:\n  - id: back\n    action: wait\n    with: {duration: 1m}\n"
            "    approvals: {required: 1}\n"
        )
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_text(text, "rb.yaml")
    assert "a rollback step cannot wait for approvals" in str(caught.value)
