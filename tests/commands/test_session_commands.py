"""The session commands' refusals and choices as a person typing them sees them: the front end
`turnout run`, `rehearse` and `resume` pick from the flags and the terminal
(tui/commands/session_args.py), a bad runbook or bad flags as usage errors, and a resume of a
session that has ended."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tui
from tests.conftest import CANARY
from tui.cli import main

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"


class _Stdout:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def fileno(self) -> int:
        raise OSError("not a real stream")


@pytest.mark.parametrize(
    ("flags", "tty", "term", "front"),
    [
        (["--headless"], True, "xterm", "headless"),
        ([], True, "xterm-256color", "app"),
        (["--plain"], True, "xterm", "plain"),
        ([], False, "xterm", "plain"),  # captured output: plain, and it says why
        ([], True, "dumb", "plain"),
    ],
)
def test_the_front_end_follows_the_flags_and_the_terminal(
    monkeypatch, flags, tty, term, front
) -> None:
    import argparse
    import sys

    from tui.commands.session_args import choose_front_end

    monkeypatch.setattr(sys, "stdout", _Stdout(tty))
    monkeypatch.setenv("TERM", term)
    args = argparse.Namespace(headless="--headless" in flags, plain="--plain" in flags)
    choose_front_end(args)
    assert args.front == front
    assert (args.plain_reason is not None) == (front == "plain")


def test_a_bad_runbook_is_reported_at_file_line_col(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CANARY.replace("ec2.create_image", "ec2.create_imag"))
    assert main(["rehearse", str(bad), "--headless", "--auto-approve"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:8:13:" in err and "did you mean" in err and "Traceback" not in err


def test_bad_flags_are_usage_errors(capsys) -> None:
    rb = str(RUNBOOKS / "alb-canary.yaml")
    assert main(["rehearse", rb, "--headless", "--auto-approve", "--poll", "10"]) == 2
    assert "--poll" in capsys.readouterr().err
    assert main(["rehearse", rb, "--headless", "--auto-approve", "--scenario", "bad-amy"]) == 2
    assert 'did you mean "bad-ami"' in capsys.readouterr().err
    assert main(["rehearse", rb, "--headless", "--set", "bake"]) == 2


def test_scenario_names_are_found_installed_and_from_any_directory(tmp_path) -> None:
    # The package alone, as a wheel installs it (no runbooks/ beside it), run from a directory
    # of no repository: this said `no scenario "bad-amy"; available: healthy`.
    import shutil
    import subprocess
    import sys

    installed = tmp_path / "site"
    shutil.copytree(Path(tui.__file__).parent, installed / "tui")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rb = str(RUNBOOKS / "alb-canary.yaml")
    command = ["rehearse", rb, "--headless", "--auto-approve", "--scenario", "bad-amy"]
    done = subprocess.run(
        [sys.executable, "-m", "tui", *command],
        cwd=elsewhere,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(installed), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert 'did you mean "bad-ami"' in done.stderr and "replica-lag" in done.stderr


def test_a_scenario_timed_from_a_step_the_runbook_lacks_is_refused(capsys) -> None:
    rb = str(RUNBOOKS / "alb-canary.yaml")
    command = ["rehearse", rb, "--headless", "--auto-approve", "--scenario", "replica-lag"]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "scenarios/replica-lag.yaml:" in err and 'no step "switchover" in' in err


def test_resume_refuses_a_finished_session(tmp_path, capsys, drive) -> None:
    d = drive()
    assert main(["resume", str(d.dir), "--headless", "--auto-approve"]) == 2
    assert "runbook" in capsys.readouterr().err  # its runbook file <runbook> is not on disk
