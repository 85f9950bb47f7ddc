"""The resume contract: what a session log says the engine must know to carry on safely.

`resume_state(session)` reads and verifies a log (a torn final line is allowed: it is an
unfinished write, so the record it held was never durable and the action it announced was never
taken) and returns a `ResumeState`. The engine's rules, documented in docs/audit.md:

- steps in `completed` are done: do not run them again;
- for the step `in_flight`, a mutating call in `unfinished_calls` has a durable intent and no
  result: it may or may not have reached AWS, so *look* (describe the resource) before sending
  it again; calls with a result are done;
- `undo` holds every step's undo data, in the order captured, for a rollback after the crash;
- `unfinished_calls` lists every such call in the session, including a rollback's own calls
  (a crash mid-rollback leaves no step in flight, but `rolling_back` is set);
- a session whose log shows `rollback.start` (`rollback_begun`) never goes forward again: it
  finishes the rollback (`rolled_back` is done; `rollback_ended` says the undo part is over),
  verifies the guardrails of every step in `rollback_steps`, and ends;
- an unanswered confirmation (`pending_confirmation`) must be asked again;
- `ended` sessions cannot be resumed; check `runbook_sha256` against the runbook on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.audit.chain import read_log, require_intact
from tui.audit.errors import BrokenLogError
from tui.audit.events import StepStatus
from tui.audit.state import ApiCall, Confirmation, SessionFold


@dataclass(frozen=True)
class InFlight:
    """The step that was running when the log stopped."""

    step: str
    action: str
    attempts: int
    mutation_sent: bool
    """A mutating call's intent is durable: it may have changed AWS."""
    mutation_result: bool
    """Every mutating intent of this step has a durable result."""
    unfinished_calls: tuple[ApiCall, ...]
    """Mutating intents with no result: look at AWS before resending any of them."""


@dataclass(frozen=True)
class ResumeState:
    """The session as its log leaves it (see the module docstring for how to use each field)."""

    path: Path
    runbook_name: str | None
    runbook_sha256: str | None
    params: dict[str, Any]
    checklist_confirmed: tuple[int, ...]
    completed: tuple[str, ...]
    in_flight: InFlight | None
    undo: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pending_confirmation: Confirmation | None = None
    unfinished_calls: tuple[ApiCall, ...] = ()
    """Every mutating intent in the log with no result, rollback calls included."""
    rolling_back: bool = False
    rolled_back: tuple[str, ...] = ()
    rollback_begun: bool = False
    """A rollback started (ended or not): a resumed session only finishes it."""
    rollback_ended: bool = False
    """`rollback.end` is durable: only verification (and `session.end`) is left."""
    rollback_failed: tuple[str, ...] = ()
    """Plan items whose `rollback.step` (or `rollback.end`) recorded an error."""
    rollback_steps: tuple[str, ...] = ()
    """The forward steps a rollback covers, in the order they started: completed, in flight
    when it began, or cancelled by it. Verification reads every one's guardrails."""
    ended: bool = False
    exit_code: int | None = None
    torn: bool = False
    """The log ends in a torn line: reopen with repair before appending."""
    last_seq: int = 0
    last_hash: str = "0" * 64
    fold: SessionFold | None = None


def resume_state(session: str | Path) -> ResumeState:
    """Read `session` (a directory or its audit.jsonl) and say where it stands.

    Raises BrokenLogError (exit 2) when the chain does not verify: a tampered log is no basis
    for touching production again.
    """
    reading = read_log(session)
    if not reading.torn:
        require_intact(reading)
    if not reading.records:
        raise BrokenLogError(
            f"{reading.path}: no complete record: nothing to resume", line=1, reason="empty"
        )
    fold = SessionFold.of(reading.records)
    start = fold.start.payload if fold.start else {}
    runbook = start.get("runbook") or {}
    rollback = fold.rollback
    return ResumeState(
        path=reading.path,
        runbook_name=runbook.get("name"),
        runbook_sha256=runbook.get("sha256"),
        params=dict(start.get("params") or {}),
        checklist_confirmed=tuple(
            r.payload["index"] for r in fold.checklist if r.payload.get("confirmed")
        ),
        completed=tuple(s.id for s in fold.steps.values() if s.status is StepStatus.COMPLETED),
        in_flight=_in_flight(fold),
        undo={s.id: list(s.undo) for s in fold.steps.values() if s.undo},
        pending_confirmation=next(
            (c for c in reversed(fold.confirmations) if c.answer is None), None
        ),
        unfinished_calls=tuple(c for c in fold.calls if c.mutating and not c.finished),
        rolling_back=rollback is not None and rollback.end is None,
        rolled_back=tuple(rollback.undone) if rollback else (),
        rollback_begun=rollback is not None,
        rollback_ended=rollback is not None and rollback.end is not None,
        rollback_failed=_rollback_failed(fold),
        rollback_steps=_rollback_steps(fold),
        ended=fold.end is not None,
        exit_code=fold.end.payload.get("exit_code") if fold.end else None,
        torn=reading.torn,
        last_seq=reading.records[-1].seq,
        last_hash=reading.last_hash,
        fold=fold,
    )


def _in_flight(fold: SessionFold) -> InFlight | None:
    step = fold.in_flight
    if step is None:
        return None
    mutating = [call for call in step.calls if call.mutating]
    return InFlight(
        step=step.id,
        action=str(step.start.payload.get("action")),
        attempts=step.attempts,
        mutation_sent=bool(mutating),
        mutation_result=bool(mutating) and all(call.finished for call in mutating),
        unfinished_calls=tuple(step.unfinished_calls),
    )


def _rollback_failed(fold: SessionFold) -> tuple[str, ...]:
    rollback = fold.rollback
    if rollback is None:
        return ()
    failed = [s for s, r in rollback.undone.items() if r.payload.get("outcome") == "error"]
    if rollback.end is not None and rollback.end.payload.get("outcome") == "failed" and not failed:
        failed.append(str(rollback.end.payload.get("error") or "the rollback"))
    return tuple(failed)


def _rollback_steps(fold: SessionFold) -> tuple[str, ...]:
    """Completed steps, the step in flight, and steps whose `step.end cancelled` came after
    the first `rollback.start` (the rollback cancelled them while their action ran)."""
    rollback = fold.rollback
    if rollback is None:
        return ()
    begun = (rollback.first or rollback.start).seq
    covered = []
    for step in fold.steps.values():
        cancelled_by_it = (
            step.status is StepStatus.CANCELLED and step.end is not None and step.end.seq > begun
        )
        if step.status in (StepStatus.COMPLETED, StepStatus.RUNNING) or cancelled_by_it:
            covered.append(step.id)
    return tuple(covered)
