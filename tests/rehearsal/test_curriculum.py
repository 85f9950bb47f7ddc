"""The curriculum file: every drill loads, names a runbook and scenarios that fit together, and
a broken drill is a located error; blind draws include healthy; compound drills merge faults."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui.rehearsal.curriculum import (
    Variant,
    load_curriculum,
    runbook_path,
    variant_spec,
)
from tui.rehearsal.scenario_loader import check_steps, load_scenario_spec
from tui.runbook.loader import load_runbook
from tui.runbook.problems import RunbookInvalid

DRILLS = load_curriculum()


@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.name)
def test_every_drill_fits_its_runbook(drill) -> None:
    runbook = load_runbook(runbook_path(drill), dict(drill.sets))
    steps = [s.id for s in (*runbook.order, *runbook.rollback)]
    for variant in drill.draws:
        check_steps(variant_spec(variant), str(runbook.file), steps)
    assert drill.lesson and drill.good and 0 < drill.budget <= 1


def test_a_blind_draw_can_be_healthy_and_names_no_scenario_beforehand() -> None:
    drill = next(d for d in DRILLS if d.name == "blind-canary")
    drawn = {drill.draw(random.Random(seed)).name for seed in range(40)}
    assert drawn == {"bad-ami", "slow-release", "healthy"}
    healthy = next(v for v in drill.draws if v.name == "healthy")
    assert healthy.expect == "completed"


def test_a_compound_drill_plays_every_fault_of_its_scenarios() -> None:
    spec = variant_spec(Variant(("bad-ami", "az-outage"), "rolled_back"))
    kinds = [f.kind for f in spec.faults]
    assert kinds == ["bad_image", "az_outage"] and spec.name == "bad-ami+az-outage"
    assert spec.faults[1] == load_scenario_spec("az-outage").faults[0]  # its own start kept


BROKEN = """\
drills:
  - drill: a
    runbook: alb-canary
    scenario: bad-ami
    good: roll back
    expect: rolled-back
    budget: 150%
    colour: red
  - drill: a
    runbook: alb-canary
    scenario: []
    good: x
"""


def test_a_broken_curriculum_names_every_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "curriculum.yaml"
    path.write_text(BROKEN)
    with pytest.raises(RunbookInvalid) as caught:
        load_curriculum(path)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert (
        f'{path}:6:13: drill.expect: "rolled-back" is not allowed (did you mean "rolled_back"?)'
        in text
    )
    assert f'{path}:7:13: drill.budget: "150%" is not a share' in text
    assert f'{path}:8:5: drill: unknown key "colour"' in text
    assert f"{path}:11:15: drill.scenario: name at least one scenario" in text
