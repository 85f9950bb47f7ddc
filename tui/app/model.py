"""What the session screen shows, folded from the engine's events. Pure: no Textual.

The live app and `turnout replay` feed the same `SessionModel` (the replay turns audit records
back into engine events), so both draw the same screens. `apply` returns the names of the parts
that changed, so the screen repaints only those.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.aws.protocol import Progress
from tui.engine.events import (
    ApprovalEnded,
    ApprovalWaiting,
    AutoApproved,
    ConditionResult,
    GuardrailReading,
    GuardrailsPolled,
    Notice,
    RollbackChanged,
    SessionEnded,
    SessionStarted,
    StepChanged,
    StepProgress,
)
from tui.engine.ports import StepState
from tui.runbook.model import Runbook
from tui.runbook.plan import plan_document
from tui.runbook.secrets import SECRETS

HEADER, STEPS, DETAIL, GUARDRAILS, PROGRESS, NOTICES, ROLLBACK, ENDED, CHECKLIST = (
    "header",
    "steps",
    "detail",
    "guardrails",
    "progress",
    "notices",
    "rollback",
    "ended",
    "checklist",
)
"""The parts of the screen `SessionModel.apply` reports as changed."""


@dataclass
class StepView:
    """One step as the screen shows it: the runbook's plan for it and what happened so far."""

    id: str
    title: str
    group: str
    plan: dict[str, Any] = field(default_factory=dict)
    state: StepState = StepState.PENDING
    message: str = ""
    progress: Progress | None = None
    conditions: dict[str, ConditionResult] = field(default_factory=dict)
    guardrails: dict[str, GuardrailReading] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    rollback: bool = False  # a step of the runbook's `rollback:` section


@dataclass
class ChecklistItem:
    """One compatibility checklist item and whether a person confirmed it."""

    text: str
    confirmed: bool | None = None  # None: not asked yet


class SessionModel:
    """The session's state for the screen; fed engine events in order by one thread."""

    def __init__(self, runbook: Runbook | None, runbook_name: str = "") -> None:
        # The screen shows the runbook with its secret values masked; the engine has the real one.
        runbook = SECRETS.data(runbook)
        self.runbook = runbook
        self.name = runbook.name if runbook else runbook_name
        self.title = runbook.title if runbook else ""
        self.started: SessionStarted | None = None
        self.ended: SessionEnded | None = None
        # When the session ended, on the session's clock (the app stamps it as the event comes):
        # the header's window and elapsed time stop there rather than count on over a summary.
        self.ended_at: datetime | None = None
        self.steps: dict[str, StepView] = {}
        self.checklist = [ChecklistItem(t) for t in (runbook.checklist if runbook else ())]
        self.current: str | None = None
        self.watched: str | None = None  # the step of the latest guardrail poll
        self.progressing: str | None = None  # the step of the latest progress with detail
        self.notices: deque[Notice] = deque(maxlen=50)
        self.rollback: list[RollbackChanged] = []
        self.pause_requested = False  # the operator asked; cleared when a step runs again
        self.approval: ApprovalWaiting | None = None  # another person's approval awaited
        self.params = {}
        if runbook is not None:
            self._plan_steps(runbook)

    def _plan_steps(self, runbook: Runbook) -> None:
        doc = plan_document(runbook)
        # The params as the plan shows them (secrets masked): the overview lists them, since
        # the checklist says "check the AMI id above" and nothing above showed it.
        self.params: dict[str, dict[str, Any]] = dict(doc["params"])
        for entry in doc["steps"]:
            self.steps[entry["id"]] = StepView(
                entry["id"], entry["title"], _group_label(entry), entry
            )
        for entry in doc["rollback"]["steps"]:
            self.steps[entry["id"]] = StepView(
                entry["id"], entry["title"], "Rollback", entry, rollback=True
            )

    # -- reading ------------------------------------------------------------------------------

    @property
    def rehearsal(self) -> bool | None:
        """True in a rehearsal, False against real AWS, None before the session started."""
        return self.started.rehearsal if self.started else None

    @property
    def rolling_back(self) -> bool:
        """A rollback began and has not finished."""
        return bool(self.rollback) and self.rollback[-1].phase not in ("verified", "failed")

    def groups(self) -> list[tuple[str, list[StepView]]]:
        """Steps in run order, grouped by wave and service (consecutive steps sharing one)."""
        out: list[tuple[str, list[StepView]]] = []
        for view in self.steps.values():
            if out and out[-1][0] == view.group:
                out[-1][1].append(view)
            else:
                out.append((view.group, [view]))
        return out

    def step(self, step_id: str | None) -> StepView | None:
        """The step called `step_id`, if known."""
        return self.steps.get(step_id) if step_id else None

    @property
    def waiting_out(self) -> bool:
        """A rehearsal's bake or `wait` is under way: what its `f` (fast-forward) applies to."""
        view = self.step(self.current)
        if not self.rehearsal or self.ended is not None or view is None:
            return False
        return view.state is StepState.BAKING or (
            view.state is StepState.RUNNING and view.plan.get("action") == "wait"
        )

    def counts(self) -> dict[StepState, int]:
        """How many steps are in each state."""
        counts: dict[StepState, int] = {}
        for view in self.steps.values():
            counts[view.state] = counts.get(view.state, 0) + 1
        return counts

    # -- folding ------------------------------------------------------------------------------

    def apply(self, event: object) -> set[str]:
        """Fold one engine event in; return the parts of the screen it changed."""
        handler = _HANDLERS.get(type(event))
        return handler(self, event) if handler else set()

    def _view(self, step_id: str) -> StepView:
        view = self.steps.get(step_id)
        if view is None:  # a step the runbook did not list (a replay without its runbook)
            view = self.steps[step_id] = StepView(step_id, step_id, "Steps")
        return view

    def _on_started(self, event: SessionStarted) -> set[str]:
        self.started = event
        self.name = event.runbook or self.name
        self.title = event.title or self.title
        return {HEADER}

    def _on_step(self, event: StepChanged) -> set[str]:
        view = self._view(event.step)
        view.state, view.message = event.state, event.message
        changed = {STEPS, DETAIL}
        # Undoing a step does not move the live panels off the step where things happened:
        # after a rollback they still show the canary that breached, for the debrief.
        if event.state in (StepState.RUNNING, StepState.CHECKING, StepState.WAITING):
            self.current = event.step
        if event.state is StepState.RUNNING:
            self.pause_requested = False
        return changed

    def _on_progress(self, event: StepProgress) -> set[str]:
        self._view(event.step).progress = event.progress
        if event.progress.detail:
            self.progressing = event.step
        return {PROGRESS, DETAIL}

    def _on_condition(self, event: ConditionResult) -> set[str]:
        self._view(event.step).conditions[event.label] = event
        return {DETAIL}

    def _on_guardrails(self, event: GuardrailsPolled) -> set[str]:
        view = self._view(event.step)
        for reading in event.readings:
            view.guardrails[reading.name] = reading
        self.watched = event.step
        return {GUARDRAILS}

    def _on_notice(self, event: Notice) -> set[str]:
        self.notices.append(event)
        if event.step:
            self._view(event.step).notices.append(event)
        return {NOTICES, DETAIL}

    def _on_rollback(self, event: RollbackChanged) -> set[str]:
        self.rollback.append(event)
        return {ROLLBACK, HEADER}

    def _on_ended(self, event: SessionEnded) -> set[str]:
        self.ended = event
        # The rollback's verification polled last, but the story is the step that breached:
        # once it is over, the guardrails panel goes back to that step's charts.
        trigger = next((r.step for r in self.rollback if r.phase == "started" and r.step), None)
        view = self.step(trigger)
        if view is not None and view.guardrails and trigger != self.watched:
            self.watched = trigger
            return {ENDED, HEADER, GUARDRAILS}
        return {ENDED, HEADER}

    def _on_auto_approved(self, event: AutoApproved) -> set[str]:
        # Nobody was asked, so no modal shows it: the notices (and the checklist) say it.
        q, answer = event.question, event.answer
        changed = self._on_notice(
            Notice(f"auto-approved: {q.title} ({answer.who})", "info", q.step)
        )
        if q.kind == "checklist":
            changed |= self.checklist_answered(q.body, True)
        return changed

    def checklist_answered(self, item: str, confirmed: bool) -> set[str]:
        """A checklist item (by its text) was answered: the operator reports it as the engine
        asks, a replay from the log's `checklist.answer`."""
        for entry in self.checklist:
            if entry.text.strip() == item.strip():
                entry.confirmed = confirmed
        return {CHECKLIST}


def _on_approval_waiting(model: SessionModel, event: ApprovalWaiting) -> set[str]:
    model.approval = event
    return {HEADER}


def _on_approval_ended(model: SessionModel, event: ApprovalEnded) -> set[str]:
    model.approval = None
    return {HEADER}


_HANDLERS = {
    SessionStarted: SessionModel._on_started,
    StepChanged: SessionModel._on_step,
    StepProgress: SessionModel._on_progress,
    ConditionResult: SessionModel._on_condition,
    GuardrailsPolled: SessionModel._on_guardrails,
    Notice: SessionModel._on_notice,
    RollbackChanged: SessionModel._on_rollback,
    SessionEnded: SessionModel._on_ended,
    AutoApproved: SessionModel._on_auto_approved,
    ApprovalWaiting: _on_approval_waiting,
    ApprovalEnded: _on_approval_ended,
}


def _group_label(entry: dict[str, Any]) -> str:
    service, wave = entry.get("service"), entry.get("wave")
    if service is None:
        return "Steps"
    return f"Wave {wave} · {service}" if wave else str(service)


def seconds_left(until: datetime | None, now: datetime) -> float | None:
    """Seconds from `now` to `until` (negative once passed), or None without a deadline."""
    return None if until is None else (until - now).total_seconds()
