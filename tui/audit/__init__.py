"""The append-only, hash-chained session log: write, verify, report, resume state. No AWS, no UI.

What other layers use (docs/audit.md is the full contract):
- `create_session_dir` / `check_writable`: make and check a session directory before mutating;
- `SessionLog`: the engine's typed writer (`create`, `resume`, one method per event);
- `resume_state`: where a cut-off session stands, so no mutation is repeated;
- `Replay`, `LogTail`, `SessionFold`: what a replay or a live view folds records into;
- `verify`, `read_log`, and `tui.audit.report.render` for the auditor's commands.
"""

from __future__ import annotations

from tui.audit.chain import LOG_NAME, ChainBreak, LogReading, read_log
from tui.audit.events import ENGINE_ACTOR, Event, Mode, StepStatus
from tui.audit.record import Record
from tui.audit.redact import REDACTED, redact
from tui.audit.replay import LogTail, Replay
from tui.audit.resume import InFlight, ResumeState, resume_state
from tui.audit.session_log import SessionLog, file_sha256
from tui.audit.sessiondir import check_writable, create_session_dir, sessions_root
from tui.audit.state import SessionFold
from tui.audit.verify import Verdict, verify

__all__ = [
    "ENGINE_ACTOR",
    "LOG_NAME",
    "REDACTED",
    "ChainBreak",
    "Event",
    "InFlight",
    "LogReading",
    "LogTail",
    "Mode",
    "Record",
    "Replay",
    "ResumeState",
    "SessionFold",
    "SessionLog",
    "StepStatus",
    "Verdict",
    "check_writable",
    "create_session_dir",
    "file_sha256",
    "read_log",
    "redact",
    "resume_state",
    "sessions_root",
    "verify",
]
