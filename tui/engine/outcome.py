"""How a session's flow is cut short: the engine raises these inside, and `Session` turns them
into its exit code (docs/engine.md#exit-codes)."""

from __future__ import annotations

from tui.exitcodes import ExitCode


class Stop(Exception):
    """End the session now with `exit_code` (no rollback): refused, paused, left for a person."""

    def __init__(self, exit_code: ExitCode, reason: str) -> None:
        super().__init__(reason)
        self.exit_code, self.reason = exit_code, reason


class RollbackNeeded(Exception):
    """Roll back now. `trigger` is the audit log's: guardrail, operator, failure or timeout."""

    def __init__(self, trigger: str, reason: str, step: str | None = None) -> None:
        super().__init__(reason)
        self.trigger, self.reason, self.step = trigger, reason, step
