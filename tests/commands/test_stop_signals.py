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


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_pauses_the_session_resumably(tmp_path, signum):
    runbook = tmp_path / "waits.yaml"
    runbook.write_text(WAITING)
    sessions = tmp_path / "sessions"
    child = subprocess.Popen(
        [sys.executable, str(HERE / "signal_child.py"), str(runbook), str(sessions)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(HERE.parents[1])},
    )
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
