"""One writer per session: a second is refused naming the owner; a stale lock is explained and
broken only on request; a lock from another host is never broken."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tui.audit.chain import read_log
from tui.audit.errors import LogLockedError
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock

REPO = Path(__file__).resolve().parents[2]

HOLDER = """
import sys
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock
log = SessionLog.resume(sys.argv[1], ManualClock())
print("holding", flush=True)
sys.stdin.readline()
log.close()
"""


def _hold(session_dir: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(session_dir)],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    return child


def test_a_second_writer_is_refused_naming_the_owner(canary_session) -> None:
    child = _hold(canary_session.dir)
    try:
        with pytest.raises(LogLockedError) as refused:
            SessionLog.resume(canary_session.dir, ManualClock(), break_stale_lock=True)
        message = str(refused.value)
        assert f"pid {child.pid} on host {socket.gethostname()}" in message
        assert "Only one process may write" in message
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(timeout=10)
    # the owner finished cleanly: the session can be taken now, no flag needed
    SessionLog.resume(canary_session.dir, ManualClock()).close()
    assert read_log(canary_session.dir).intact


def test_a_second_writer_in_the_same_process_is_refused(tmp_path: Path) -> None:
    first = SessionLog.create(tmp_path, ManualClock())
    try:
        with pytest.raises(LogLockedError, match=f"pid {os.getpid()}"):
            SessionLog.resume(tmp_path, ManualClock())
    finally:
        first.close()


def test_a_stale_lock_is_explained_and_broken_only_on_request(canary_session) -> None:
    child = _hold(canary_session.dir)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert (canary_session.dir / "audit.lock").exists()

    with pytest.raises(LogLockedError) as refused:
        SessionLog.resume(canary_session.dir, ManualClock())
    message = str(refused.value)
    assert "stale lock" in message and f"pid {child.pid} is no longer running" in message
    assert "--break-stale-lock" in message
    assert [r.type for r in read_log(canary_session.dir).records][-1] == "session.resume"

    SessionLog.resume(canary_session.dir, ManualClock(), break_stale_lock=True).close()
    records = read_log(canary_session.dir).records
    broken = next(r for r in records if r.type == "lock.broken")
    assert broken.payload["previous_owner"]["pid"] == child.pid
    assert broken.payload["broken_by"]["pid"] == os.getpid()


def test_a_lock_from_another_host_is_never_broken(tmp_path: Path) -> None:
    SessionLog.create(tmp_path, ManualClock()).close()
    (tmp_path / "audit.lock").write_text(
        json.dumps(
            {"pid": 1, "host": "other-host.example", "started": "2026-01-01T00:00:00.000000Z"}
        )
    )
    with pytest.raises(LogLockedError) as refused:
        SessionLog.resume(tmp_path, ManualClock(), break_stale_lock=True)
    assert "check on other-host.example" in str(refused.value)
    assert (tmp_path / "audit.lock").exists()
