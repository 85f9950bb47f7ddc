"""Scenario files: every shipped one loads; a bad one gets FILE:LINE:COL errors, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.errors import InputError
from tui.rehearsal.faults import BadImage, ReplicaLag
from tui.rehearsal.scenario_loader import (
    available_scenarios,
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
    assert (lag.start, lag.peak, lag.decay) == (0.0, 45.0, 600.0)
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
