"""Whether a session log may be resumed, and with which runbook: checked before the log is
reopened for writing (docs/engine.md, "Resume")."""

from __future__ import annotations

from tui.audit.resume import ResumeState
from tui.errors import InputError
from tui.exitcodes import ExitCode, outcome_name


def check_resumable(state: ResumeState, runbook_sha256: str | None) -> None:
    """Raise InputError (exit 2) when `state` must not be carried on: the session ended (other
    than paused, exit 130), or the runbook on disk is not the one the session ran."""
    if state.ended and state.exit_code != ExitCode.INTERRUPTED:
        outcome = outcome_name(state.exit_code) if state.exit_code is not None else "?"
        raise InputError(
            f"{state.path}: this session already ended ({outcome}, exit {state.exit_code}); "
            "there is nothing to resume. Start a new session with `turnout run`."
        )
    if runbook_sha256 and state.runbook_sha256 and runbook_sha256 != state.runbook_sha256:
        raise InputError(
            f"{state.path}: the runbook changed since the session started (SHA-256 "
            f"{state.runbook_sha256[:12]}… then, {runbook_sha256[:12]}… now); resuming would "
            "run steps the session never confirmed. Restore the runbook or start a new session."
        )
