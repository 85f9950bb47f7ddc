"""The process exit codes (docs/engine.md#exit-codes), one name each, shared by every front end."""

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


COMPLETED_WITH_OVERRIDE = "completed_with_override"
"""The outcome of a session that completed after a person overrode a failed precondition or a
guardrail: exit 0 (it did complete), but never reported as a plain "completed"."""


def outcome_name(code: int, overrides: int = 0) -> str:
    """`completed`, `completed_with_override`, `rolled_back`, …: the `session.end` outcome of
    exit `code` (`unknown` for a number that is not one of ours)."""
    try:
        name = ExitCode(code).name.lower()
    except ValueError:
        return "unknown"
    return COMPLETED_WITH_OVERRIDE if code == ExitCode.COMPLETED and overrides else name


def outcome_words(outcome: str) -> str:
    """`completed with override`: an outcome as a person reads it."""
    return outcome.replace("_", " ")
