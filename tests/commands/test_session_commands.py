"""The session commands' refusals and choices as a person typing them sees them: the front end
`turnout run`, `rehearse` and `resume` pick from the flags and the terminal
(tui/commands/session_args.py), a bad runbook or bad flags as usage errors, and a resume of a
session that has ended."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui
from tests.conftest import CANARY
from tests.world_process import role_session_env, turnout_world
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


# --- `turnout run` and `resume` against `turnout world`, as real processes ---------------------


def _turnout(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args, "--headless", "--auto-approve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_run_against_turnout_world_follows_its_clock_and_reaches_its_front_door(tmp_path):
    """`turnout run` against `turnout world --speed 60`: every wait, bake and metric period on
    the world's clock (published at /turnout/world), `http.probe` of app.shop.example.com at
    the world's front door. Old code: the wall clock ran far behind the world (20x: twenty
    times), and the probe looked the name up in DNS, failed, and the canary rolled back."""
    with turnout_world(speed=60) as env:
        done = _turnout(
            env,
            "run",
            str(RUNBOOKS / "alb-canary.yaml"),
            "--set",
            "bake=1m",
            "--set",
            "full_bake=1m",
            "--sessions-dir",
            str(tmp_path),
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "is a turnout rehearsal world (60x)" in done.stderr
    assert "GET http://app.shop.example.com/health answered 200" in done.stdout


@pytest.mark.slow
def test_a_role_session_expiring_mid_run_pauses_130_and_resumes_with_a_fresh_one(tmp_path):
    """A `turnout run` on 15-minute role credentials (STS `Credentials`: "After temporary
    credentials expire, any calls that you make with those credentials will fail") with
    6-minute bakes: it pauses, exit 130, saying how to re-authenticate and resume; `turnout
    resume` with a fresh session finishes, exit 0. Old code: exit 4, not resumable."""
    with turnout_world(speed=60) as env:
        paused = _turnout(
            role_session_env(env),
            "run",
            str(RUNBOOKS / "alb-canary.yaml"),
            "--set",
            "bake=6m",
            "--set",
            "full_bake=1m",
            "--sessions-dir",
            str(tmp_path),
        )
        assert paused.returncode == 130, paused.stdout[-3000:] + paused.stderr[-2000:]
        assert "ExpiredToken" in paused.stdout and "aws sso login" in paused.stdout
        [session] = list(tmp_path.glob("*-alb-canary"))
        assert f"turnout resume {session}" in paused.stdout
        resumed = _turnout(role_session_env(env), "resume", str(session))
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-2000:]
    assert "the change is under way in AWS" in resumed.stdout
