"""Scenario files: every shipped one loads; a bad one gets FILE:LINE:COL errors, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.errors import InputError
from tui.rehearsal.faults import BadImage, ReplicaLag, StepStart
from tui.rehearsal.scenario_loader import (
    available_scenarios,
    check_steps,
    load_scenario_spec,
    shipped_scenarios_dir,
)
from tui.runbook.problems import RunbookInvalid

SHIPPED = sorted(shipped_scenarios_dir().glob("*.yaml"))


def test_every_fault_kind_has_a_shipped_scenario() -> None:
    from tui.rehearsal.faults import FAULT_KINDS

    kinds = {f.kind for p in SHIPPED for f in load_scenario_spec(str(p)).faults}
    assert kinds == set(FAULT_KINDS)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_load_by_name(path: Path) -> None:
    spec = load_scenario_spec(path.stem)
    assert spec.name == path.stem
    assert spec.description


def test_shipped_scenarios_are_found_by_name_from_any_directory(tmp_path, monkeypatch) -> None:
    # Outside the repository (no ./runbooks here) `--scenario bad-ami` said `no scenario
    # "bad-ami"; available: healthy`: the shipped ones were looked up beside the source tree.
    monkeypatch.chdir(tmp_path)
    assert load_scenario_spec("bad-ami").name == "bad-ami"
    assert set(available_scenarios()) == {"healthy", *(p.stem for p in SHIPPED)}


def test_a_scenario_in_the_working_directorys_runbooks_wins(tmp_path, monkeypatch) -> None:
    own = tmp_path / "runbooks" / "scenarios"
    own.mkdir(parents=True)
    (own / "bad-ami.yaml").write_text("scenario: bad-ami\ntitle: my own\nfaults: []\n")
    (own / "mine.yaml").write_text("scenario: mine\nfaults: []\n")
    monkeypatch.chdir(tmp_path)
    assert load_scenario_spec("bad-ami").title == "my own"
    assert {"mine", "replica-lag"} <= set(available_scenarios())


def test_values_are_typed_and_durations_are_seconds() -> None:
    lag = load_scenario_spec("replica-lag").faults[0]
    assert isinstance(lag, ReplicaLag)
    assert (lag.start, lag.peak, lag.decay) == (StepStart("switchover"), 45.0, 600.0)
    bad = load_scenario_spec("bad-ami").faults[0]
    assert bad == BadImage(start=0.0, image="ami-0000000000000b002", error_rate=0.5)


def test_healthy_needs_no_file() -> None:
    assert load_scenario_spec("healthy").faults == ()
    assert "healthy" in available_scenarios()


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(InputError, match='did you mean "bad-ami"'):
        load_scenario_spec("bad-amy")


def test_a_broken_file_reports_every_problem_with_its_location(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "scenario: broken\n"
        "faults:\n"
        "  - kind: bad_imag\n"
        "  - kind: replica_lag\n"
        "    peak: soon\n"
        "    lag_peak: 3\n"
        "  - kind: throttling\n"
        "    share: 2\n"
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_scenario_spec(str(broken))
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{broken}:3:11: ") and 'did you mean "bad_image"' in lines[0]
    assert lines[1].startswith(f"{broken}:5:11: ") and "not a duration" in lines[1]
    assert lines[2].startswith(f"{broken}:6:5: ") and 'unknown key "lag_peak"' in lines[2]
    assert lines[3].startswith(f"{broken}:8:12: ") and "share must be 0 to 1" in lines[3]


def test_a_fault_can_start_at_a_step(tmp_path: Path) -> None:
    timed = tmp_path / "timed.yaml"
    timed.write_text(
        "scenario: timed\n"
        "faults:\n"
        "  - kind: long_write\n"
        "    start: {step: switchover, at: start}\n"
        "  - kind: az_outage\n"
        "    start: {step: shift-5, at: end, after: 90s}\n"
    )
    first, second = load_scenario_spec(str(timed)).faults
    assert first.start == StepStart("switchover", "start", 0.0)
    assert second.start == StepStart("shift-5", "end", 90.0)
    assert str(second.start.where) == f"{timed}:6:19"


def test_a_bad_step_start_is_reported_where_it_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "scenario: broken\n"
        "faults:\n"
        "  - kind: long_write\n"
        "    start: {at: begin}\n"
        "  - kind: long_write\n"
        "    start: {step: switchover, after: -1m, when: now}\n"
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_scenario_spec(str(broken))
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{broken}:4:12: ") and 'missing required key "step"' in lines[0]
    assert lines[1].startswith(f"{broken}:4:17: ") and '"begin" is not allowed' in lines[1]
    assert 'did you mean "start"' in lines[1] or 'use "start" or "end"' in lines[1]
    assert lines[2].startswith(f"{broken}:6:38: ") and "not a duration" in lines[2]
    assert lines[3].startswith(f"{broken}:6:43: ") and 'unknown key "when"' in lines[3]


def test_a_step_the_runbook_lacks_is_reported_at_the_fault(tmp_path: Path) -> None:
    spec = load_scenario_spec("replica-lag")
    check_steps(spec, "rds-blue-green.yaml", ["snapshot", "quiet-writers", "switchover"])
    with pytest.raises(RunbookInvalid) as caught:
        check_steps(spec, "alb-canary.yaml", ["backup", "switch-over"])
    (problem,) = str(caught.value).splitlines()
    assert problem.startswith(f"{shipped_scenarios_dir() / 'replica-lag.yaml'}:")
    assert 'no step "switchover" in alb-canary.yaml (did you mean "switch-over"?)' in problem
    assert "name one of its steps (backup, switch-over)" in problem
