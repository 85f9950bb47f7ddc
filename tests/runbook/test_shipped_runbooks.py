"""Every shipped runbook validates, plans, satisfies the schema and names the rehearsal world."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tui.runbook.loader import load_runbook
from tui.runbook.schema import runbook_schema

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "runbooks").glob("*.yaml"))
EXPECTED = {
    "asg-instance-refresh",
    "alb-canary",
    "route53-canary",
    "rds-blue-green",
    "ecs-rolling",
    "spot-mixed-refresh",
    "multi-service",
    "ec2-auto-recovery",
}
HEADER = "# yaml-language-server: $schema=../docs/runbook.schema.json"
# Arguments whose value names something the rehearsal world must hold (or must not, yet).
RESOURCE_ARGS = {
    "group",
    "from_group",
    "template",
    "load_balancer",
    "target_group",
    "from",
    "to",
    "instance",
    "deployment",
    "source",
    "cluster",
    "service",
    "zone",
    "record",
    "task_definition",
    "snapshot",
    "image",
    "notify",
}
ids = [p.stem for p in SHIPPED]


def test_exactly_the_promised_runbooks_ship() -> None:
    assert {p.stem for p in SHIPPED} == EXPECTED


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_validate_exits_0_with_a_one_line_summary(path: Path, turnout) -> None:
    result = turnout("validate", str(path))
    assert result.code == 0, result.err
    (line,) = result.out.splitlines()
    assert line.startswith(f"ok  {path}: {path.stem}: ") and "steps" in line


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_plan_prints_every_step_with_its_risk_and_undo(path: Path, turnout) -> None:
    runbook = load_runbook(path)
    result = turnout("plan", str(path))
    assert result.code == 0, result.err
    for step in runbook.order:
        assert step.id in result.out
    assert "undo" in result.out and "No AWS call was made" in result.out


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_plan_json_is_the_documented_document(path: Path, turnout) -> None:
    result = turnout("plan", "--json", str(path))
    doc = json.loads(result.out)
    assert doc["format"] == "turnout.plan/1"
    assert doc["target"] == {"account": "123456789012", "region": "us-east-1"}
    assert [s["order"] for s in doc["steps"]] == list(range(1, len(doc["steps"]) + 1))
    for step in doc["steps"]:
        assert step["risk"] in ("read-only", "mutating", "irreversible")
        assert step["undo"]["kind"] in ("automatic", "explicit", "none")
        if step["risk"] == "irreversible":
            assert step["confirm"]["phrase"], "an irreversible step asks for a typed phrase"
    assert set(doc["operations"]) >= {op for s in doc["steps"] for op in s["operations"]}


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_the_schema_accepts_it(path: Path) -> None:
    jsonschema.Draft202012Validator(runbook_schema()).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_it_starts_with_the_schema_header_and_explains_itself(path: Path) -> None:
    assert path.read_text().splitlines()[0] == HEADER
    runbook = load_runbook(path)
    assert len(runbook.description) > 200
    assert all(p.value is not None for p in runbook.params.values())


def _world_names(path: Path) -> set[str]:
    runbook = load_runbook(path)
    names: set[str] = set()
    for step in (*runbook.steps, *runbook.rollback):
        for key, value in step.arguments.items():
            if key in RESOURCE_ARGS and value:
                names.update(value if isinstance(value, list) else [str(value)])
    return names


@pytest.mark.parametrize("path", SHIPPED, ids=ids)
def test_every_resource_it_names_is_in_the_rehearsal_world(path: Path) -> None:
    world = (ROOT / "docs" / "rehearsal-world.md").read_text()
    missing = {name for name in _world_names(path) if f"`{name}`" not in world}
    assert not missing, f"add to docs/rehearsal-world.md: {sorted(missing)}"
