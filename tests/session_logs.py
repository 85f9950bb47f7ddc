"""A session log that has begun, for tests (and benches) that need one but run no runbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.audit.session_log import SessionLog
from tui.clock import Clock

# A rehearsal of alb-canary on a fixed host, user, pid and argv, so the log is the same each run.
FIXED_START: dict[str, Any] = {
    "runbook_path": "x",
    "runbook_name": "alb-canary",
    "params": {},
    "mode": "rehearsal",
    "region": "us-east-1",
    "runbook_sha256": "0" * 64,
    "host": "h",
    "user": "u",
    "pid": 1,
    "argv": [],
}


def started_log(directory: Path, clock: Clock, operator: str, **start: Any) -> SessionLog:
    """A new log in `directory` whose first record is FIXED_START, with `start`'s fields over
    it. The caller closes it."""
    log = SessionLog.create(directory, clock, operator=operator)
    log.session_start(**(FIXED_START | start))
    return log
