"""The top of a report, for an auditor: who operated, answered and approved, and every exception
(overrides with their reasons, answers that timed out, failed preconditions, guardrail breaches,
and the log's own troubles), before the timeline and the details.

In a rehearsal the log's times are the world's (it runs faster than real time, and at real time
while a question waits), so they are labelled world time, and the real time the session began
(its directory's name) is given beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tui.audit.chain import Record
from tui.audit.events import ENGINE_ACTOR, Event
from tui.audit.report.describe import bound_text, describe, shown_value
from tui.audit.state import SessionFold

APPROVAL_PREFIX = "approval."
"""Approvals (four-eyes, `turnout approve`) are records of this family; each is listed."""

_DIR_TIME = re.compile(r"^(\d{8}T\d{6}Z)-")


@dataclass(frozen=True)
class Exception_:
    """One exception an auditor must see: where (`+mm:ss`, clock), what kind, what happened."""

    seq: int
    kind: str  # override | timeout | precondition | breach | log
    text: str


@dataclass
class People:
    """Who did what: the operator, whoever answered, and every approval."""

    operated: str = ""
    resumed: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    approvals: list[Record] = field(default_factory=list)


def people(fold: SessionFold, records: list[Record]) -> People:
    """The operator from `session.start` (name, OS user, host, AWS identity), who resumed, who
    answered (never `turnout` itself), and every `approval.*` record."""
    start = fold.start.payload if fold.start else {}
    aws = start.get("aws") or {}
    who = People(
        operated=f"{start.get('operator', '?')} (OS user {start.get('os_user', '?')} on "
        f"{start.get('host', '?')}; AWS {aws.get('arn') or 'identity unknown'})"
    )
    who.resumed = [f"{r.payload.get('os_user')} on {r.payload.get('host')}" for r in fold.resumes]
    answered = {
        r.actor
        for r in records
        if r.type in (Event.CHECKLIST_ANSWER, Event.CONFIRM_ANSWER, Event.NOTE)
        and r.actor not in (ENGINE_ACTOR, "", "None")
    }
    who.answered = sorted(answered)
    # The decisions (given, denied); requests and their ends are in the timeline. A kind of
    # approval record this report does not know yet is listed too rather than left out.
    quiet = (Event.APPROVAL_REQUESTED, Event.APPROVAL_ENDED, Event.APPROVAL_REFUSED)
    who.approvals = [
        r for r in records if r.type.startswith(APPROVAL_PREFIX) and r.type not in quiet
    ]
    return who


def exceptions(records: list[Record]) -> list[Exception_]:
    """Every exception, in log order: a guardrail breach once per trigger (the poll that
    decided), a failed precondition, an override with its reason, an answer that timed out, and
    what happened to the log itself (a repair, a broken lock or lease, a copy off the box
    failing)."""
    found: list[Exception_] = []
    prompts = {r.seq: r.payload for r in records if r.type == Event.CONFIRM_PROMPT}
    for r in records:
        p = r.payload
        step = p.get("step") or "session"
        if r.type == Event.CONFIRM_ANSWER and p.get("override"):
            reason = p.get("typed") or p.get("reason") or "no reason recorded"
            found.append(Exception_(r.seq, "override", f"{step}: {r.actor} overrode: “{reason}”"))
        elif r.type == Event.CONFIRM_ANSWER and p.get("answer") == "timeout":
            asked = prompts.get(p.get("prompt_seq"), {})
            default = asked.get("default_on_timeout") or (
                "go ahead" if p.get("accepted") else "stop"
            )
            waited = f" within {asked['timeout_s']}s" if asked.get("timeout_s") else ""
            text = (
                f"{step}: nobody answered the {asked.get('kind', '?')} question{waited}; "
                f"its default was taken: {default}"
            )
            found.append(Exception_(r.seq, "timeout", text))
        elif r.type == Event.PRECONDITION and not p.get("passed"):
            found.append(
                Exception_(
                    r.seq,
                    "precondition",
                    f"{step}: precondition {p.get('name')} failed: observed "
                    f"{shown_value(p.get('observed'))}, required "
                    f"{bound_text(p.get('expected') or {})}",
                )
            )
        elif r.type == Event.GUARDRAIL and p.get("decision"):
            found.append(
                Exception_(
                    r.seq,
                    "breach",
                    f"{step}: guardrail {p.get('name')} breached: {shown_value(p.get('value'))} "
                    f"({bound_text(p.get('threshold') or {})}) "
                    f"{p.get('consecutive')}/{p.get('needed')} → {p.get('decision')}",
                )
            )
        elif r.type in (Event.APPROVAL_DENIED, Event.APPROVAL_REFUSED) or (
            r.type == Event.APPROVAL_ENDED and p.get("outcome") == "timeout"
        ):
            found.append(Exception_(r.seq, "approval", describe(r)))
        elif r.type in (Event.LOG_REPAIR, Event.LOCK_BROKEN, Event.LEASE_BROKEN) or (
            r.type == Event.AUDIT_SHIPPING and p.get("state") == "failing"
        ):
            found.append(Exception_(r.seq, "log", f"{r.type}: {_log_trouble(r)}"))
    return found


def real_start(session_dir: Path) -> datetime | None:
    """When the session began in real time: its directory's name (`20260314T090000Z-…`)."""
    found = _DIR_TIME.match(session_dir.name)
    if not found:
        return None
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _log_trouble(r: Record) -> str:
    p = r.payload
    if r.type == Event.AUDIT_SHIPPING:
        return f"copy {p.get('copy')} failing: {p.get('detail')}"
    if r.type == Event.LOG_REPAIR:
        return f"{p.get('truncated_bytes')} torn bytes cut at line {p.get('line')}"
    if r.type == Event.LOCK_BROKEN:
        return f"stale lock of pid {(p.get('previous_owner') or {}).get('pid')} broken"
    return f"lease {p.get('lease_key')} broken by {r.actor}"
