"""`turnout validate`, `plan` and `schema` as a person uses them: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tui.commands.runbook import schema_text
from tui.runbook.schema import runbook_schema

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
runbook: good
title: Good
target: {account: "123456789012", region: us-east-1}
params:
  pct: {default: 50, type: integer}
steps:
  - id: shift
    action: elbv2.set_weights
    confirm: true
    with: {load_balancer: web-alb, weights: {web-blue: 50, web-green: "${pct}"}}
"""


def test_validate_prints_every_problem_of_every_file_and_exits_2(write, turnout, tmp_path) -> None:
    good = write(GOOD, "good.yaml")
    bad = write(
        GOOD.replace("elbv2.set_weights", "elbv2.set_weight").replace("title: Good", "titel: x"),
        "bad.yaml",
    )
    result = turnout("validate", str(good), str(bad), str(tmp_path / "gone.yaml"))
    assert result.code == 2
    assert result.out.startswith(f"ok  {good}: good: 1 step, 1 param")
    assert f'{bad}:2:1: unknown top-level key "titel" (did you mean "title"?)' in result.err
    assert f'{bad}:1:1: missing required top-level key "title"' in result.err
    assert f'{bad}:8:13: step shift: unknown action "elbv2.set_weight"' in result.err
    assert f"{tmp_path / 'gone.yaml'}:1:1: no such file" in result.err
    assert "2 of 3 runbooks have problems" in result.err
    assert "Traceback" not in result.err


def test_malformed_yaml_is_a_located_error_without_traceback(write) -> None:
    path = write("runbook: x\nsteps: [\n", "broken.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:3:1: malformed YAML")
    assert "Traceback" not in result.stderr


def test_set_changes_the_plan(write, turnout) -> None:
    path = write(GOOD)
    doc = json.loads(turnout("plan", str(path), "--json", "--set", "pct=75").out)
    assert doc["steps"][0]["arguments"]["weights"] == {"web-blue": 50, "web-green": 75}
    assert doc["params"]["pct"] == {"type": "integer", "value": 75, "source": "set"}


def test_a_malformed_set_is_a_usage_error(write, turnout) -> None:
    result = turnout("plan", str(write(GOOD)), "--set", "pct")
    assert result.code == 2 and 'turnout: --set "pct": write it as name=value' in result.err


def test_plan_of_a_broken_runbook_lists_its_problems(write, turnout) -> None:
    result = turnout("plan", str(write(GOOD.replace("web-alb,", "web-alb, port: 0,"))))
    assert result.code == 2
    assert ":10:42: step shift.with.port: 0 is below the minimum 1" in result.err


def test_plan_reads_as_a_plan(turnout) -> None:
    result = turnout("plan", str(ROOT / "runbooks" / "rds-blue-green.yaml"))
    out = result.out
    assert result.code == 0
    for words in (
        "Checklist: confirmed one by one",
        'types "switch over orders-bgd"',
        "rds.SwitchoverBlueGreenDeployment",
        "Blue/Green deployment orders-bgd is AVAILABLE",
        "ReplicaLag (Maximum) ≤ 1",
        "TTL of db.shop.example.com (zone shop.example.com.) ≤ 5s",
        "timeout: 5m",
        "[none] None by turnout",
        "[none] Keeps the snapshot",
    ):
        assert words in out, words


def test_schema_is_valid_json_schema_and_matches_the_shipped_copy(turnout) -> None:
    result = turnout("schema")
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    shipped = (ROOT / "docs" / "runbook.schema.json").read_text()
    assert shipped.strip() == schema_text(runbook_schema()).strip(), (
        "docs/runbook.schema.json is stale: regenerate it with "
        "`turnout schema > docs/runbook.schema.json`"
    )


def test_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(runbook_schema())
    good = {
        "runbook": "x",
        "title": "x",
        "target": {"account": "123456789012", "region": "us-east-1"},
        "steps": [
            {
                "id": "a",
                "action": "rds.switchover_blue_green",
                "irreversible": True,
                "confirm": True,
                "with": {"deployment": "d", "timeout": "5m"},
            }
        ],
    }
    assert validator.is_valid(good)
    for broken_with in ({"deployment": "d", "timeout": 300}, {"deploymnet": "d"}, {}):
        bad = json.loads(json.dumps(good))
        bad["steps"][0]["with"] = broken_with
        assert not validator.is_valid(bad), broken_with


def test_plan_wraps_a_checklist_item_under_its_own_text(turnout, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = turnout("plan", str(ROOT / "runbooks" / "alb-canary.yaml")).out
    lines = out.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("  [ ] 1. Green"))
    # The item goes on past 80 columns: its next line starts under "Green", not at the margin.
    assert lines[first + 1].startswith(" " * 9) and lines[first + 1].strip(), lines[first + 1]


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "runbooks").glob("*.yaml")))
def test_plan_fits_80_columns_without_cutting_anything(turnout, monkeypatch, name) -> None:
    """At 80 columns no line is wider and nothing is cut short with "…": the old plan showed
    "full-traffic-b…", "mutating (y…" and "irreversible (type…", and cut the title."""
    monkeypatch.setenv("COLUMNS", "80")
    out = turnout("plan", str(ROOT / "runbooks" / f"{name}.yaml")).out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "…" not in out, [line for line in out.splitlines() if "…" in line]


def test_the_plan_checks_nothing_so_marks_nothing_checked(turnout) -> None:
    """A plan makes no AWS call: its preconditions are to be checked (○), not passed (✓)."""
    out = turnout("plan", str(ROOT / "runbooks" / "alb-canary.yaml")).out
    assert "○ at least 2 healthy targets in web-green" in out
    assert "✓" not in out
