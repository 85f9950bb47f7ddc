"""SIGTERM and SIGHUP in the full-screen app end a session as they do headless and in plain
mode (tests/commands/test_stop_signals.py): `session.end` 130 naming the signal, the log
resumable, the terminal given back with the end summary on it. The old app left both to their
defaults: the process died mid-step, no session.end, the terminal still in the app's mode.

A real process on a real terminal (tmux): the signal handlers belong to the main thread and the
terminal's going away is what SIGHUP means. Every wait is on a condition."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.app.tmux_driver import Tmux, have_tmux
from tests.commands.test_stop_signals import WAITING
from tui.audit.chain import read_log, require_intact
from tui.audit.resume import resume_state
from tui.engine.resuming import check_resumable

pytestmark = pytest.mark.skipif(not have_tmux(), reason="tmux is not on PATH (.ci/run installs it)")

HERE = Path(__file__).parent
PATIENCE = 120.0  # a bound on a broken test, not a speed target


def _until(condition, what: str, pid: int | None = None, stacks: Path | None = None) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if pid is not None and not _alive(pid):
            pytest.fail(f"the app died before it {what} (killed by the signal?)")
        if time.monotonic() > deadline:
            pytest.fail(f"the app never {what}{_stacks(pid, stacks)}")
        time.sleep(0.05)


def _stacks(pid: int | None, stacks: Path | None) -> str:
    """Where a hung child is stuck: it dumps every thread's stack on SIGUSR1."""
    if pid is None or stacks is None or not _alive(pid):
        return ""
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not stacks.read_text().strip():
        time.sleep(0.05)
    return f"; its threads:\n{stacks.read_text()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _waiting(sessions: Path) -> bool:
    logs = list(sessions.glob("*/audit.jsonl"))
    return bool(logs) and '"type":"step.start"' in logs[0].read_text()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_pauses_the_app_session_resumably(tmp_path: Path, signum: int) -> None:
    runbook = tmp_path / "waits.yaml"
    runbook.write_text(WAITING)
    sessions, pid_file = tmp_path / "sessions", tmp_path / "pid"
    code_file = Path(f"{pid_file}.code")
    tmux = Tmux(
        [str(runbook), str(sessions), str(pid_file)],
        program=(sys.executable, str(HERE / "signal_app_child.py")),
    )
    try:
        _until(lambda: pid_file.exists() and _waiting(sessions), "started its wait")
        pid = int(pid_file.read_text())
        tmux.wait_for("running: holding", PATIENCE)  # the app is on the screen
        if signum == signal.SIGTERM:
            os.kill(pid, signum)
        else:
            tmux.close()  # the terminal goes away: the kernel sends SIGHUP
        _until(code_file.exists, "ended", pid, Path(f"{pid_file}.stacks"))
        if signum == signal.SIGTERM:  # the terminal is back to normal, the summary on it
            screen = tmux.wait_for("EXIT=", PATIENCE)
            assert "outcome: interrupted (exit 130)" in screen, screen
            assert "why: paused by SIGTERM (asked to stop)" in screen, screen
            assert "next: turnout resume" in screen, screen
            assert "Roll back now" not in screen, screen  # the app's footer is gone
    finally:
        tmux.close()
    assert code_file.read_text() == "130"
    (log,) = sessions.glob("*/audit.jsonl")
    reading = read_log(log)
    require_intact(reading)
    end = reading.records[-1]
    assert end.type == "session.end" and end.payload["exit_code"] == 130
    assert f"paused by {signal.Signals(signum).name}" in end.payload["reason"]
    check_resumable(resume_state(log), None)
