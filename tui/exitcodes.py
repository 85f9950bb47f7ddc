"""The process exit codes of design.md, one name each, shared by every front end."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """How a turnout command ended. Scripts and CI branch on these numbers: never renumber."""

    COMPLETED = 0
    INTERNAL_ERROR = 1
    INVALID_INPUT = 2  # bad runbook, bad flag, bad session directory: nothing was changed
    ROLLED_BACK = 3
    LEFT_FOR_OPERATOR = 4  # e.g. a rollback that failed; a person must look
    REFUSED = 5  # a precondition refused the step, which changed nothing
    INTERRUPTED = 130  # session saved and resumable
