"""SIGTERM (a process manager stopping turnout) and SIGHUP (the terminal went away) end a
session as a Ctrl-C answered "pause" does: `session.end` 130, and the log resumable. The child
is a real process (signal handlers belong to the main thread); waits are on conditions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.audit.chain import read_log, require_intact
from tui.audit.resume import resume_state
from tui.engine.resuming import check_resumable

HERE = Path(__file__).parent

WAITING = """
runbook: waits
title: A long wait
target: {account: "123456789012", region: us-east-1}
steps:
  - id: hold
    action: wait
    with: {duration: 1h, reason: holding}
"""


def _wait_for(condition, child: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120  # a bound on a broken test, not a speed target
    while not condition():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        if time.monotonic() > deadline:
            pytest.fail(f"the child never {what}")
        time.sleep(0.05)


def _started_waiting(sessions: Path) -> bool:
    logs = list(sessions.glob("*/audit.jsonl"))
    return bool(logs) and '"type":"step.start"' in logs[0].read_text()


def _child(runbook: Path, sessions: Path, *, sighup: object = signal.SIG_DFL) -> subprocess.Popen:
    """The session child, its SIGHUP disposition set (ignored ones are inherited: a suite run
    under nohup made SIGHUP ignored in every child, and the SIGHUP case timed out there)."""
    return subprocess.Popen(
        [sys.executable, str(HERE / "signal_child.py"), str(runbook), str(sessions)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(HERE.parents[1])},
        preexec_fn=lambda: signal.signal(signal.SIGHUP, sighup),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_pauses_the_session_resumably(tmp_path, signum):
    runbook = tmp_path / "waits.yaml"
    runbook.write_text(WAITING)
    sessions = tmp_path / "sessions"
    child = _child(runbook, sessions)
    try:
        _wait_for(lambda: _started_waiting(sessions), child, "started its wait")
        child.send_signal(signum)
        code = child.wait(120)
    finally:
        if child.poll() is None:
            child.kill()
    assert code == 130  # the old code: killed by the signal (-15, -1), no session.end
    (log,) = sessions.glob("*/audit.jsonl")
    reading = read_log(log)
    require_intact(reading)
    end = reading.records[-1]
    assert end.type == "session.end" and end.payload["exit_code"] == 130
    assert signal.Signals(signum).name in end.payload["reason"]
    check_resumable(resume_state(log), None)  # a paused session may be resumed


def test_under_nohup_sighup_stays_ignored(tmp_path):
    """`nohup turnout run --headless ...`: a SIGHUP changes nothing (the session goes on), and
    SIGTERM still pauses it. turnout only hears signals that were not ignored when it began."""
    runbook = tmp_path / "waits.yaml"
    runbook.write_text(WAITING)
    sessions = tmp_path / "sessions"
    child = _child(runbook, sessions, sighup=signal.SIG_IGN)
    try:
        _wait_for(lambda: _started_waiting(sessions), child, "started its wait")
        child.send_signal(signal.SIGHUP)
        # The same session then hears a SIGTERM: had the SIGHUP been heard, it would have ended.
        child.send_signal(signal.SIGTERM)
        code = child.wait(120)
    finally:
        if child.poll() is None:
            child.kill()
    assert code == 130
    (log,) = sessions.glob("*/audit.jsonl")
    end = read_log(log).records[-1]
    assert "SIGTERM" in end.payload["reason"]  # not SIGHUP: that one was ignored
