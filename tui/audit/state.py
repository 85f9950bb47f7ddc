"""A session folded from its records: steps, calls, evidence, answers, rollback, outcome.

`SessionFold.apply` takes records one at a time, in order, so the same fold serves a finished
log (report), a log cut off by a crash (resume), a log being written (the live view tails it)
and a replay (fold up to a moment). It trusts its input: verify first (chain.read_log).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.audit.chain import Record
from tui.audit.events import Event, StepStatus


@dataclass
class ApiCall:
    """One AWS call: its intent and, once written, its result."""

    intent: Record
    result: Record | None = None

    @property
    def mutating(self) -> bool:
        """Whether the call changes AWS (describe/get calls do not)."""
        return bool(self.intent.payload.get("mutating", True))

    @property
    def finished(self) -> bool:
        """Whether its result was recorded: False means it may or may not have reached AWS."""
        return self.result is not None

    @property
    def name(self) -> str:
        """`elbv2.ModifyListener`."""
        return f"{self.intent.payload.get('service')}.{self.intent.payload.get('operation')}"


@dataclass
class Confirmation:
    """A question put to a person and, once given, the answer."""

    prompt: Record
    answer: Record | None = None


@dataclass
class StepState:
    """Everything the log says about one step so far."""

    id: str
    start: Record
    status: StepStatus = StepStatus.RUNNING
    end: Record | None = None
    attempts: int = 1
    calls: list[ApiCall] = field(default_factory=list)
    undo: list[dict[str, Any]] = field(default_factory=list)
    progress: Record | None = None
    preconditions: list[Record] = field(default_factory=list)
    guardrails: list[Record] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)

    @property
    def unfinished_calls(self) -> list[ApiCall]:
        """Mutating calls whose intent is durable but whose result is not."""
        return [call for call in self.calls if call.mutating and not call.finished]


@dataclass
class RollbackState:
    """A rollback, begun and maybe finished."""

    start: Record
    undone: dict[str, Record] = field(default_factory=dict)
    end: Record | None = None
    first: Record | None = None
    """The first `rollback.start` (a resumed session writes another to finish it)."""


class SessionFold:
    """The state of a session after the records applied so far."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.start: Record | None = None
        self.resumes: list[Record] = []
        self.end: Record | None = None
        self.checklist: list[Record] = []
        self.steps: dict[str, StepState] = {}
        self.rollback: RollbackState | None = None
        self.notes: list[Record] = []
        self.repairs: list[Record] = []
        self.lock_breaks: list[Record] = []
        self.leases: list[Record] = []  # lease.taken / refused / broken / released, in order
        self.confirmations: list[Confirmation] = []
        self.calls: list[ApiCall] = []
        self._prompts: dict[int, Confirmation] = {}
        self._intents: dict[int, ApiCall] = {}
        self.approvals: list[Record] = []  # approval.* records, in order (four-eyes)
        # Answers whose approval was denied or never came: they did not go ahead.
        self.unapproved: set[int] = set()
        self._approval_answer: dict[int, int] = {}  # request seq -> the answer it approves

    @classmethod
    def of(cls, records: list[Record]) -> SessionFold:
        """The fold of a whole list of records."""
        fold = cls()
        for record in records:
            fold.apply(record)
        return fold

    @property
    def first_time(self) -> datetime | None:
        """When the first record was written."""
        return self.records[0].time if self.records else None

    @property
    def last_time(self) -> datetime | None:
        """When the latest record was written."""
        return self.records[-1].time if self.records else None

    @property
    def overrides(self) -> list[Record]:
        """Every answer that went on past a failed precondition or a guardrail."""
        return [
            c.answer
            for c in self.confirmations
            if c.answer and c.answer.payload.get("override") and c.answer.seq not in self.unapproved
        ]

    @property
    def in_flight(self) -> StepState | None:
        """The step started and not ended, if any (at most one runs at a time)."""
        running = [s for s in self.steps.values() if s.status is StepStatus.RUNNING]
        return running[-1] if running else None

    def apply(self, record: Record) -> None:
        """Fold one more record in."""
        self.records.append(record)
        handler = _HANDLERS.get(record.type)
        if handler is not None:
            handler(self, record)

    def _step(self, record: Record) -> StepState | None:
        step = record.payload.get("step")
        return self.steps.get(step) if isinstance(step, str) else None

    def _on_start(self, record: Record) -> None:
        self.start = record

    def _on_resume(self, record: Record) -> None:
        self.resumes.append(record)

    def _on_end(self, record: Record) -> None:
        self.end = record

    def _on_checklist(self, record: Record) -> None:
        self.checklist.append(record)

    def _on_note(self, record: Record) -> None:
        self.notes.append(record)

    def _on_repair(self, record: Record) -> None:
        self.repairs.append(record)

    def _on_lock_broken(self, record: Record) -> None:
        self.lock_breaks.append(record)

    def _on_lease(self, record: Record) -> None:
        self.leases.append(record)

    def _on_step_start(self, record: Record) -> None:
        step_id = str(record.payload["step"])
        existing = self.steps.get(step_id)
        if existing is None:
            self.steps[step_id] = StepState(step_id, record)
        else:  # run again after a resume: keep what the earlier attempt recorded
            existing.start, existing.end = record, None
            existing.status = StepStatus.RUNNING
            existing.attempts += 1

    def _on_step_end(self, record: Record) -> None:
        step = self._step(record)
        if step is not None:
            step.end = record
            step.status = StepStatus(record.payload["status"])

    def _on_progress(self, record: Record) -> None:
        step = self._step(record)
        if step is not None:
            step.progress = record

    def _on_precondition(self, record: Record) -> None:
        step = self._step(record)
        if step is not None:
            step.preconditions.append(record)

    def _on_guardrail(self, record: Record) -> None:
        step = self._step(record)
        if step is not None:
            step.guardrails.append(record)

    def _on_prompt(self, record: Record) -> None:
        confirmation = Confirmation(record)
        self._prompts[record.seq] = confirmation
        self.confirmations.append(confirmation)
        step = self._step(record)
        if step is not None:
            step.confirmations.append(confirmation)

    def _on_answer(self, record: Record) -> None:
        confirmation = self._prompts.get(record.payload.get("prompt_seq", -1))
        if confirmation is not None:
            confirmation.answer = record

    def _on_intent(self, record: Record) -> None:
        call = ApiCall(record)
        self._intents[record.seq] = call
        self.calls.append(call)
        step = self._step(record)
        if step is not None:
            step.calls.append(call)

    def _on_result(self, record: Record) -> None:
        call = self._intents.get(record.payload.get("intent_seq", -1))
        if call is not None:
            call.result = record

    def _on_undo(self, record: Record) -> None:
        step = self._step(record)
        if step is not None:
            step.undo.append(dict(record.payload.get("data") or {}))

    def _on_rollback_start(self, record: Record) -> None:
        # A resumed session finishing a rollback writes rollback.start again: what the first
        # one undid stays undone, so a second crash never undoes a step twice.
        before = self.rollback
        if before is None:
            self.rollback = RollbackState(record, first=record)
        else:
            self.rollback = RollbackState(record, dict(before.undone), first=before.first)

    def _on_rollback_step(self, record: Record) -> None:
        if self.rollback is not None:
            self.rollback.undone[str(record.payload.get("step"))] = record

    def _on_rollback_end(self, record: Record) -> None:
        if self.rollback is not None:
            self.rollback.end = record

    def _on_approval(self, record: Record) -> None:
        self.approvals.append(record)
        payload = record.payload
        if record.type == Event.APPROVAL_REQUESTED:
            self._approval_answer[record.seq] = payload.get("answer_seq")  # type: ignore[assignment]
        elif record.type == Event.APPROVAL_ENDED and payload.get("outcome") != "approved":
            answer = self._approval_answer.get(payload.get("request_seq"))  # type: ignore[arg-type]
            if answer is not None:
                self.unapproved.add(answer)


_HANDLERS = {
    Event.SESSION_START: SessionFold._on_start,
    Event.SESSION_RESUME: SessionFold._on_resume,
    Event.SESSION_END: SessionFold._on_end,
    Event.CHECKLIST_ANSWER: SessionFold._on_checklist,
    Event.NOTE: SessionFold._on_note,
    Event.LOG_REPAIR: SessionFold._on_repair,
    Event.LOCK_BROKEN: SessionFold._on_lock_broken,
    Event.LEASE_TAKEN: SessionFold._on_lease,
    Event.LEASE_REFUSED: SessionFold._on_lease,
    Event.LEASE_BROKEN: SessionFold._on_lease,
    Event.LEASE_RELEASED: SessionFold._on_lease,
    Event.STEP_START: SessionFold._on_step_start,
    Event.STEP_END: SessionFold._on_step_end,
    Event.STEP_PROGRESS: SessionFold._on_progress,
    Event.PRECONDITION: SessionFold._on_precondition,
    Event.GUARDRAIL: SessionFold._on_guardrail,
    Event.CONFIRM_PROMPT: SessionFold._on_prompt,
    Event.CONFIRM_ANSWER: SessionFold._on_answer,
    Event.API_INTENT: SessionFold._on_intent,
    Event.API_RESULT: SessionFold._on_result,
    Event.UNDO_CAPTURED: SessionFold._on_undo,
    Event.ROLLBACK_START: SessionFold._on_rollback_start,
    Event.ROLLBACK_STEP: SessionFold._on_rollback_step,
    Event.ROLLBACK_END: SessionFold._on_rollback_end,
    Event.APPROVAL_REQUESTED: SessionFold._on_approval,
    Event.APPROVAL_GIVEN: SessionFold._on_approval,
    Event.APPROVAL_DENIED: SessionFold._on_approval,
    Event.APPROVAL_REFUSED: SessionFold._on_approval,
    Event.APPROVAL_ENDED: SessionFold._on_approval,
}
