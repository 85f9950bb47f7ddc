"""`turnout runbooks`, and a RUNBOOK argument given by name (tui/runbook/shipped.py): the
shipped runbooks are found from any directory; a name that is neither a file nor a runbook is
refused with the names, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.runbook.shipped import resolve_runbook, shipped_runbooks, shipped_runbooks_dir

ROOT = Path(__file__).resolve().parents[2]


def test_the_checkout_runbooks_folder_is_the_shipped_one() -> None:
    """One copy: ./runbooks of the checkout (Makefile, README) is the package's tui/runbooks."""
    assert (ROOT / "runbooks").resolve() == shipped_runbooks_dir().resolve()
    assert {r.name for r in shipped_runbooks()} >= {"alb-canary", "rds-blue-green"}


def test_runbooks_lists_each_with_its_title_and_the_scenarios(turnout) -> None:
    result = turnout("runbooks")
    assert result.code == 0
    lines = result.out.splitlines()
    assert any(
        line.split()[0] == "alb-canary" and "Blue/green web release" in line for line in lines
    )
    assert any(line.strip().startswith("bad-ami") for line in lines)


def test_a_name_is_found_from_any_directory(monkeypatch, tmp_path, turnout) -> None:
    monkeypatch.chdir(tmp_path)
    result = turnout("validate", "alb-canary")
    assert result.code == 0, result.err
    assert str(shipped_runbooks_dir() / "alb-canary.yaml") in result.out


def test_a_runbook_of_the_same_name_in_the_working_directory_wins(monkeypatch, tmp_path) -> None:
    own = tmp_path / "runbooks" / "alb-canary.yaml"
    own.parent.mkdir()
    own.write_text((shipped_runbooks_dir() / "alb-canary.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    assert Path(resolve_runbook("alb-canary")).resolve() == own.resolve()


def test_a_path_stays_a_path(monkeypatch, tmp_path, turnout) -> None:
    monkeypatch.chdir(tmp_path)
    result = turnout("validate", "missing/alb-canary.yaml")
    assert result.code == 2
    assert "missing/alb-canary.yaml" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", ["validate", "plan", "rehearse", "run"])
def test_a_name_that_is_neither_is_refused_with_the_names(monkeypatch, tmp_path, turnout, command):
    monkeypatch.chdir(tmp_path)
    result = turnout(command, "alb-canery")
    assert result.code == 2
    assert 'no runbook named "alb-canery" (did you mean "alb-canary"?)' in result.err
    assert "rds-blue-green" in result.err and "turnout runbooks" in result.err
    assert "Traceback" not in result.err
