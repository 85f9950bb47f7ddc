"""One line of plain words per record, for the report's timeline (and any log viewer)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.audit.chain import Record
from tui.audit.events import Event
from tui.runbook.describe import value_text

ANSWER_LABELS = {"retry": "check again", "timeout": "timed out (nobody answered)"}
"""Answer keys whose meaning the key alone does not say."""


def answer_label(answer: object) -> str:
    """`check again` for `retry`, `timed out …` for `timeout`, else the answer as given."""
    return ANSWER_LABELS.get(str(answer), str(answer))


def shown_value(value: object) -> str:
    """A guardrail or precondition value rounded as the screen shows it (`48.3`, `0.42`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "no data" if value is None else str(value)
    if isinstance(value, int):
        return str(value)  # a count (healthy targets, tasks) is shown whole
    return value_text(value)


def _where(p: dict[str, Any]) -> str:
    """The step a record belongs to, or `session` (never `None`)."""
    return str(p.get("step") or "session")


def compact(value: Any, limit: int = 160) -> str:
    """Short JSON for a table cell; long values are cut with an ellipsis."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bound_text(threshold: dict[str, Any]) -> str:
    """`≤ 1.0`, `≥ 2`, `is AVAILABLE`, or both bounds."""
    parts = []
    if "min" in threshold:
        parts.append(f"≥ {threshold['min']}")
    if "max" in threshold:
        parts.append(f"≤ {threshold['max']}")
    if "is" in threshold:
        parts.append(f"is {threshold['is']}")
    return ", ".join(parts) or compact(threshold)


def _start(p: dict[str, Any]) -> str:
    runbook = p.get("runbook") or {}
    aws = p.get("aws") or {}
    return (
        f"session started: {runbook.get('name')} ({p.get('mode')}) in account "
        f"{aws.get('account')}, {aws.get('region')}"
    )


def _answer(p: dict[str, Any]) -> str:
    typed = f", typed “{p['typed']}”" if p.get("typed") is not None else ""
    verdict = "go ahead" if p.get("accepted") else "stop"
    answer = answer_label(p.get("answer"))
    return f"{_where(p)}: answered {answer}{typed} after {p.get('elapsed_s')}s ({verdict})"


def _preflight(p: dict[str, Any]) -> str:
    checks = list(p.get("checks") or [])
    failed = [c for c in checks if c.get("result") == "fail"]
    warned = [c for c in checks if c.get("result") == "warn"]
    if not failed:
        extra = f", {len(warned)} warning(s)" if warned else ""
        return f"preflight passed: {len(checks)} checks{extra}"
    missing = [m for c in failed for m in c.get("missing") or []]
    named = f"; missing {', '.join(missing)}" if missing else ""
    return f"preflight refused: {len(failed)} of {len(checks)} checks failed{named}"


def _guardrail(p: dict[str, Any]) -> str:
    state = "BREACHED" if p.get("breached") else "ok"
    decision = f" → {p['decision']}" if p.get("decision") else ""
    return (
        f"{_where(p)}: guardrail {p.get('name')} = {shown_value(p.get('value'))} "
        f"({bound_text(p.get('threshold') or {})}) {state} "
        f"{p.get('consecutive')}/{p.get('needed')}{decision}"
    )


def _result(p: dict[str, Any]) -> str:
    outcome = p.get("outcome")
    if outcome != "ok":
        outcome = f"error {p.get('error_code')}: {p.get('error_message')}"
    return (
        f"{_where(p)}: {p.get('service')}.{p.get('operation')} {outcome} "
        f"(request {p.get('request_id')}, {p.get('duration_s')}s)"
    )


_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    Event.SESSION_START: _start,
    Event.SESSION_RESUME: lambda p: (
        f"session resumed by {p.get('os_user')} on {p.get('host')} (pid {p.get('pid')})"
    ),
    Event.SESSION_END: lambda p: (
        f"session ended: {str(p.get('outcome')).replace('_', ' ')} (exit {p.get('exit_code')})"
        + (f": {p['reason']}" if p.get("reason") else "")
    ),
    Event.CHECKLIST_ANSWER: lambda p: (
        f"checklist {p.get('index')}: "
        f"{'confirmed' if p.get('confirmed') else 'NOT confirmed'}: {p.get('item')}"
    ),
    Event.STEP_START: lambda p: (
        f"step {p.get('step')} started ({p.get('action')})"
        + (f", attempt {p['attempt']}" if p.get("attempt", 1) != 1 else "")
    ),
    Event.STEP_PROGRESS: lambda p: (
        f"{_where(p)}: {p.get('state')}"
        + (f" ({p['percent']}%)" if p.get("percent") is not None else "")
    ),
    Event.STEP_END: lambda p: (
        f"step {p.get('step')} {p.get('status')}" + (f": {p['error']}" if p.get("error") else "")
    ),
    Event.PRECONDITION: lambda p: (
        f"{_where(p)}: precondition {p.get('name')} = "
        f"{shown_value(p.get('observed'))} ({bound_text(p.get('expected') or {})}) "
        f"{'passed' if p.get('passed') else 'FAILED'}"
    ),
    Event.GUARDRAIL: _guardrail,
    Event.CONFIRM_PROMPT: lambda p: (
        f"{p.get('step') or 'session'}: asked ({p.get('kind')}): {p.get('shown')}"
    ),
    Event.CONFIRM_ANSWER: _answer,
    Event.API_INTENT: lambda p: (
        f"{_where(p)}: calling {p.get('service')}."
        f"{p.get('operation')}" + (" (rollback)" if p.get("rollback") else "")
    ),
    Event.API_RESULT: _result,
    Event.UNDO_CAPTURED: lambda p: f"{_where(p)}: undo data saved: {compact(p.get('data'))}",
    Event.ROLLBACK_START: lambda p: f"rollback started ({p.get('trigger')}): {p.get('reason')}",
    Event.ROLLBACK_STEP: lambda p: f"rollback: {p.get('step')} undone: {p.get('outcome')}",
    Event.ROLLBACK_END: lambda p: (
        f"rollback {p.get('outcome')}" + (f": {p['error']}" if p.get("error") else "")
    ),
    Event.NOTE: lambda p: f"note: {p.get('text')}",
    Event.FAST_FORWARD: lambda p: (
        f"{p.get('step')}: the rest of its {p.get('phase')} ({p.get('seconds_left')} s) "
        "fast-forwarded (rehearsal)"
    ),
    Event.AUDIT_SHIPPING: lambda p: (
        f"copy off the box {p.get('state')}: {p.get('copy')}: {p.get('detail')}"
    ),
    Event.PREFLIGHT: _preflight,
    Event.LOG_REPAIR: lambda p: (
        f"log repaired: {p.get('truncated_bytes')} torn bytes cut at line {p.get('line')}"
    ),
    Event.LOCK_BROKEN: lambda p: (
        f"stale lock broken (owner was pid {(p.get('previous_owner') or {}).get('pid')})"
    ),
    Event.LEASE_TAKEN: lambda p: (
        f"leases taken ({p.get('store')}): "
        + ", ".join(str(x.get("lease_key")) for x in p.get("leases") or [])
    ),
    Event.LEASE_REFUSED: lambda p: (
        f"refused: leased by another session ({p.get('store')}): "
        + "; ".join(_holder(h) for h in p.get("held") or [])
    ),
    Event.LEASE_BROKEN: lambda p: f"lease broken: {_holder(p.get('previous_holder') or {})}",
    Event.LEASE_RELEASED: lambda p: (
        f"leases released ({p.get('store')}): {len(p.get('lease_keys') or [])}"
        + (f"; lost to --break-lease: {', '.join(p['lost'])}" if p.get("lost") else "")
    ),
    Event.NOTIFY_SENT: lambda p: (
        f"notified {p.get('target')} of {p.get('event')} (HTTP {p.get('status')}, "
        f"try {p.get('attempt')})"
    ),
    Event.NOTIFY_FAILED: lambda p: (
        f"could not notify {p.get('target')} of {p.get('event')} (try {p.get('attempt')}): "
        f"{p.get('error')}"
        + ("; gave up" if p.get("gave_up") else f"; again in {p.get('retry_in_s')}s")
    ),
    Event.NOTIFY_DROPPED: lambda p: (
        f"{p.get('count')} notifications not sent ({p.get('reason')}): "
        + ", ".join(str(e) for e in p.get("events") or [])
    ),
    Event.APPROVAL_REQUESTED: lambda p: (
        f"{p.get('step') or 'session'}: waiting for {p.get('required')} approval(s) "
        f"({p.get('kind')}), operator {(p.get('operator') or {}).get('arn')}"
    ),
    Event.APPROVAL_GIVEN: lambda p: (
        f"{p.get('step') or 'session'}: APPROVED by {_approver(p.get('approver') or {})}"
        + (f": {p['reason']}" if p.get("reason") else "")
    ),
    Event.APPROVAL_DENIED: lambda p: (
        f"{p.get('step') or 'session'}: DENIED by {_approver(p.get('approver') or {})}: "
        f"{p.get('reason')}"
    ),
    Event.APPROVAL_REFUSED: lambda p: f"approval not counted ({p.get('file')}): {p.get('why')}",
    Event.APPROVAL_ENDED: lambda p: (
        f"{p.get('step') or 'session'}: approval {p.get('outcome')}"
        + (f" ({', '.join(p['approvers'])})" if p.get("approvers") else "")
    ),
}


def _approver(a: Any) -> str:
    return f"{a.get('arn')} ({a.get('os_user')} on {a.get('host')})"


def _holder(h: Any) -> str:
    return (
        f"{h.get('lease_key')} held by {h.get('who')} on {h.get('host')} pid {h.get('pid')} "
        f"since {h.get('since')}, session {h.get('session_id')}"
    )


def describe(record: Record) -> str:
    """What `record` says, in one line."""
    describer = _DESCRIBE.get(record.type)
    if describer is None:
        return f"{record.type}: {compact(record.payload)}"
    return describer(record.payload)
