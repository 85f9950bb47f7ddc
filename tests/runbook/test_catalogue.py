"""The action catalogue: complete, documented, and naming AWS operations that really exist."""

from __future__ import annotations

import functools
from pathlib import Path

import botocore.session
import pytest

from tui.runbook.actions import CATALOGUE, CHECKS
from tui.runbook.actions.checks import RESOURCE_REFS
from tui.runbook.loader import load_text
from tui.runbook.model import Risk
from tui.runbook.problems import RunbookInvalid

# The actions the upgrade patterns need (the shipped runbooks, `turnout new`'s patterns); the
# catalogue may hold more. docs/runbook-language.md#actions documents each one.
PATTERN_ACTIONS = {
    "manual",
    "wait",
    "ec2.create_image",
    "rds.create_snapshot",
    "launch_template.create_version",
    "autoscaling.instance_refresh",
    "autoscaling.update_group",
    "elbv2.set_weights",
    "elbv2.shift_weights",
    "route53.set_weights",
    "rds.create_blue_green",
    "rds.switchover_blue_green",
    "ecs.update_service",
    "cloudwatch.put_alarm",
    "http.probe",
}


def _all_operations() -> set[str]:
    ops = {op for spec in CATALOGUE.values() for op in (*spec.operations, *spec.undo_operations)}
    ops |= {op for check in CHECKS.values() for op in check.operations}
    return ops | {op for refs in RESOURCE_REFS.values() for op in refs}


def test_every_action_the_upgrade_patterns_need_is_in_the_catalogue() -> None:
    """Every action the upgrade patterns need (PATTERN_ACTIONS, above) is in the catalogue."""
    assert set(CATALOGUE) >= PATTERN_ACTIONS


@functools.cache
def _operation_names(client: str) -> frozenset[str]:
    return frozenset(botocore.session.get_session().get_service_model(client).operation_names)


@pytest.mark.parametrize("operation", sorted(_all_operations()))
def test_every_operation_exists_in_botocore(operation: str) -> None:
    client, _, name = operation.partition(".")
    assert name in _operation_names(client)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_action_is_documented(name: str) -> None:
    spec = CATALOGUE[name]
    assert spec.summary and spec.undo and all(a.doc for a in spec.args)
    if spec.risk is Risk.MUTATING and spec.has_undo:
        assert spec.records, "a mutating action with an undo must say what it records"
    if spec.risk is Risk.READ_ONLY:
        assert not spec.has_undo
    assert all(not a.required or a.default is None for a in spec.args)


SWITCHOVER = """\
runbook: switch
title: Switch
target: {{account: "123456789012", region: us-east-1}}
steps:
  - id: go
    action: rds.switchover_blue_green
    irreversible: true
    confirm: true
    with: {{deployment: orders-bgd{timeout}}}
"""


@pytest.mark.parametrize(
    ("timeout", "seconds"), [("", 300), (", timeout: 30s", 30), (", timeout: 1h", 3600)]
)
def test_switchover_timeout_is_30s_to_1h_default_5m(timeout: str, seconds: int) -> None:
    (step,) = load_text(SWITCHOVER.format(timeout=timeout)).steps
    assert step.arguments["timeout"] == seconds
    assert step.risk is Risk.IRREVERSIBLE and step.confirm_phrase == "go"


@pytest.mark.parametrize(
    ("timeout", "words"), [("29s", "below the minimum 30s"), ("61m", "above the maximum 1h")]
)
def test_switchover_timeout_out_of_range_is_refused(timeout: str, words: str) -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_text(SWITCHOVER.format(timeout=f", timeout: {timeout}"))
    assert words in str(caught.value)


def test_the_language_reference_lists_every_action_and_argument() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "runbook-language.md").read_text()
    for name, spec in CATALOGUE.items():
        section = doc.split(f"### `{name}` ({spec.risk})", 1)
        assert len(section) == 2, f"docs/runbook-language.md lacks the section for {name}"
        body = section[1].split("\n### ", 1)[0]
        for arg in spec.args:
            assert f"| `{arg.name}` | {arg.type} |" in body, (name, arg.name)
