"""Params: types, defaults, `--set` overrides read as the declared type, `${name}` substitution."""

from __future__ import annotations

import pytest

from tui.runbook.durations import Duration
from tui.runbook.loader import load_text
from tui.runbook.problems import RunbookInvalid

RUNBOOK = """\
runbook: params
title: Params
target: {account: "${account}", region: us-east-1}
params:
  account: {default: "123456789012"}
  weights: {default: [5, 25, 50, 100]}
  bake: {default: 5m, type: duration}
  healthy: {type: integer, default: 90}
  group: {default: web-asg, choices: [web-asg, batch-asg]}
  ami: {default: ami-0000000000000b002, pattern: "^ami-[0-9a-f]{8,17}$"}
steps:
  - id: shift
    action: elbv2.shift_weights
    with: {load_balancer: web-alb, from: web-blue, to: web-green,
           steps: "${weights}", bake: "${bake}"}
  - id: refresh
    action: autoscaling.instance_refresh
    with: {group: "${group}", min_healthy_percentage: "${healthy}"}
  - id: backup
    action: ec2.create_image
    with: {from_group: "${group}", name: "backup-of-${group}-before-${ami}, $${literal}"}
"""


def test_defaults_are_typed_and_substituted_whole_or_in_text() -> None:
    runbook = load_text(RUNBOOK)
    shift, refresh, backup = runbook.steps
    assert shift.arguments["steps"] == [5, 25, 50, 100]
    assert shift.arguments["bake"] == 300 and isinstance(shift.arguments["bake"], Duration)
    assert refresh.arguments["min_healthy_percentage"] == 90
    assert backup.arguments["name"] == "backup-of-web-asg-before-ami-0000000000000b002, ${literal}"
    assert runbook.target.account == "123456789012"
    assert runbook.params["weights"].source == "default"


def test_set_values_are_read_as_the_declared_type() -> None:
    runbook = load_text(
        RUNBOOK,
        overrides={"weights": "10,100", "bake": "90s", "healthy": "75", "group": "batch-asg"},
    )
    shift, refresh, _ = runbook.steps
    assert shift.arguments["steps"] == [10, 100]
    assert shift.arguments["bake"] == 90
    assert refresh.arguments == refresh.arguments | {
        "group": "batch-asg",
        "min_healthy_percentage": 75,
    }
    assert runbook.params["healthy"].source == "set"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"healthy": "most"}, ["--set healthy=most", "expected an integer"]),
        ({"bake": "5"}, ["--set bake=5", "not a duration"]),
        ({"group": "web"}, ["--set group=web", "not one of web-asg, batch-asg"]),
        ({"ami": "ami-nope"}, ["--set ami=ami-nope", "does not match the pattern"]),
        ({"weights": "5,x"}, ["--set weights=5,x", "expected an integer"]),
        ({"grop": "web-asg"}, ["--set grop", 'did you mean "group"']),
    ],
)
def test_a_bad_set_value_is_a_located_problem(overrides, words) -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_text(RUNBOOK, "p.yaml", overrides)
    (problem,) = caught.value.problems
    assert all(w in problem.message for w in words), problem.message
    assert problem.location.file == "p.yaml" and problem.location.line >= 5


def test_a_substituted_value_of_the_wrong_type_says_where_it_came_from() -> None:
    text = RUNBOOK.replace(
        'min_healthy_percentage: "${healthy}"', 'min_healthy_percentage: "${group}"'
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_text(text)
    (problem,) = caught.value.problems
    assert "expected an integer" in problem.message and "(from ${group})" in problem.message
    assert (problem.location.line, problem.location.column) == (18, 56)


def test_substitution_is_text_never_code() -> None:
    text = RUNBOOK.replace(
        "default: web-asg, choices: [web-asg, batch-asg]", "default: \"__import__('os')\""
    )
    runbook = load_text(text.replace('"${group}", min', '"x", min'))
    assert runbook.steps[2].arguments["from_group"] == "__import__('os')"


def test_an_invalid_param_is_reported_once_not_at_every_use() -> None:
    text = RUNBOOK.replace(
        "healthy: {type: integer, default: 90}", "healthy: {type: integer, default: lots}"
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_text(text)
    assert [p.location.line for p in caught.value.problems] == [8]
