"""The event types of a session log and the words their payloads use (docs/audit.md has each
payload in full).

Event names are `family.verb` so a reader can filter a family (`api.*`, `confirm.*`). New event
types may be added; existing names and payload members are never renamed, because old logs must
keep verifying and reporting.
"""

from __future__ import annotations

from enum import StrEnum

ENGINE_ACTOR = "turnout"
"""The actor of records turnout writes on its own account (steps, API calls, evaluations)."""


class Event(StrEnum):
    """Every event type a session log may contain."""

    SESSION_START = "session.start"
    SESSION_RESUME = "session.resume"
    SESSION_END = "session.end"
    CHECKLIST_ANSWER = "checklist.answer"
    STEP_START = "step.start"
    STEP_PROGRESS = "step.progress"
    STEP_END = "step.end"
    PRECONDITION = "precondition.evaluated"
    GUARDRAIL = "guardrail.evaluated"
    PREFLIGHT = "preflight.checked"
    CONFIRM_PROMPT = "confirm.prompt"
    CONFIRM_ANSWER = "confirm.answer"
    API_INTENT = "api.intent"
    API_RESULT = "api.result"
    UNDO_CAPTURED = "undo.captured"
    ROLLBACK_START = "rollback.start"
    ROLLBACK_STEP = "rollback.step"
    ROLLBACK_END = "rollback.end"
    NOTE = "note"
    FAST_FORWARD = "rehearsal.fast_forward"
    LOG_REPAIR = "log.repair"
    LOCK_BROKEN = "lock.broken"
    LEASE_TAKEN = "lease.taken"
    LEASE_REFUSED = "lease.refused"
    LEASE_BROKEN = "lease.broken"
    LEASE_RELEASED = "lease.released"
    AUDIT_SHIPPING = "audit.shipping"  # a copy of the log off the box failing or recovered
    NOTIFY_SENT = "notify.sent"
    NOTIFY_FAILED = "notify.failed"
    NOTIFY_DROPPED = "notify.dropped"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_GIVEN = "approval.given"
    APPROVAL_DENIED = "approval.denied"
    APPROVAL_REFUSED = "approval.refused"
    APPROVAL_ENDED = "approval.ended"


class StepStatus(StrEnum):
    """How a step ended (`step.end` payload `status`); `running` only while in flight."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUSED = "refused"  # a precondition refused it; it changed nothing
    SKIPPED = "skipped"
    CANCELLED = "cancelled"  # stopped by the operator or by a guardrail before it finished


class Mode(StrEnum):
    """Whether a session touched real AWS."""

    REHEARSAL = "rehearsal"
    REAL = "real"
