"""What can go wrong with a session log, each explained in words an operator can act on."""

from __future__ import annotations

from tui.errors import InputError, TurnoutError
from tui.exitcodes import ExitCode


class SessionDirError(InputError):
    """The session directory cannot be made, written, or has too little free space (exit 2).

    Raised before anything mutates, so the refusal changes nothing in AWS.
    """


class LogLockedError(InputError):
    """Another writer owns the session log, or a stale lock was found and not broken (exit 2)."""


class TornLogError(InputError):
    """The log's final line was cut short (a crash mid-write); appending needs a deliberate repair.

    `line` is the 1-based number of the torn line; `good_bytes` is the length of the intact prefix
    that a repair truncates to.
    """

    def __init__(self, message: str, *, line: int, good_bytes: int) -> None:
        super().__init__(message)
        self.line = line
        self.good_bytes = good_bytes


class BrokenLogError(InputError):
    """The hash chain does not verify: the log was edited, truncated in the middle or forged."""

    def __init__(self, message: str, *, line: int, reason: str) -> None:
        super().__init__(message)
        self.line = line
        self.reason = reason


class AuditWriteError(TurnoutError):
    """A record could not be made durable (disk full, I/O error) mid-session.

    The engine must not take the action the record announced. The file is truncated back to the
    last durable record, so the log still verifies. Exit 4: a person must look.
    """

    exit_code = ExitCode.LEFT_FOR_OPERATOR
