"""`turnout audit verify`: is the log intact, and if so what does it say in five lines.

The summary ends with the last record's hash. Quote it in the change ticket: a hash chain proves
nothing was edited, removed or reordered *inside* the log, but only a hash kept elsewhere proves
records were not cut off the end or the whole log rewritten.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tui.audit.chain import LogReading, read_log
from tui.audit.events import Event
from tui.audit.record import Record
from tui.audit.state import SessionFold


@dataclass(frozen=True)
class Verdict:
    """The result of verifying one log: `ok`, and the text to print."""

    reading: LogReading
    ok: bool
    text: str


def verify(session: str | Path) -> Verdict:
    """Verify a session directory or audit.jsonl. Raises SessionDirError if there is no log."""
    reading = read_log(session)
    if reading.problem is not None:
        return Verdict(reading, False, failure_text(reading))
    return Verdict(reading, True, summary_text(reading))


def failure_text(reading: LogReading) -> str:
    """`LOG: NOT INTACT: line N: why` and what the lines before it are worth."""
    problem = reading.problem
    assert problem is not None
    good = len(reading.records)
    lines = [
        f"{reading.path}: NOT INTACT ({problem.reason})",
        f"  line {problem.line}: {problem.detail}",
    ]
    if problem.reason == "torn":
        lines.append(
            f"  last intact hash {reading.last_hash}; resuming the session with "
            "--repair-log cuts the torn line off and records it"
        )
    elif good:
        verified = "line 1 verifies" if good == 1 else f"lines 1-{good} verify"
        lines.append(f"  {verified}; nothing from line {problem.line} on can be trusted")
    return "\n".join(lines)


def summary_text(reading: LogReading) -> str:
    """Events, time span, operator, outcome and the last hash of an intact log.

    Only the start and end records are parsed: verification stays at hashing speed.
    """
    records = reading.records
    start_record = next((r for r in records if r.type == Event.SESSION_START), None)
    end_record = next((r for r in reversed(records) if r.type == Event.SESSION_END), None)
    start = start_record.payload if start_record else {}
    runbook = start.get("runbook") or {}
    aws = start.get("aws") or {}
    first, last = records[0], records[-1]
    lines = [
        f"{reading.path}: intact: {len(records)} events, hash chain verified",
        f"  runbook:   {runbook.get('name', '?')} ({runbook.get('path', '?')}, "
        f"sha256 {str(runbook.get('sha256', '?'))[:12]}…)",
        f"  operator:  {start.get('operator', '?')} on {start.get('host', '?')}",
        f"  target:    {start.get('mode', '?')}, account {aws.get('account') or '?'}, "
        f"region {aws.get('region') or '?'}",
        f"  span:      {first.ts} → {last.ts} ({format_duration(last.time - first.time)})",
        f"  outcome:   {outcome_of(end_record)}",
    ]
    counts = Counter(r.type for r in records)
    extras = [
        f"{label} {counts[event]}×"
        for event, label in [
            (Event.SESSION_RESUME, "resumed"),
            (Event.LOG_REPAIR, "torn line repaired"),
            (Event.LOCK_BROKEN, "stale lock broken"),
            (Event.LEASE_REFUSED, "refused: target leased by another session"),
            (Event.LEASE_BROKEN, "another session's lease broken"),
        ]
        if counts[event]
    ]
    if extras:
        lines.append(f"  history:   {', '.join(extras)}")
    lines += _approvals(records, counts)
    lines.append(f"  last hash: {reading.last_hash}")
    return "\n".join(lines)


def _approvals(records: list[Record], counts: Counter[str]) -> list[str]:
    """Who approved or denied what (four-eyes): only those few records are parsed."""
    if not (counts[Event.APPROVAL_GIVEN] or counts[Event.APPROVAL_DENIED]):
        return []
    said = [
        f"{r.payload.get('step')} {'approved' if r.type == Event.APPROVAL_GIVEN else 'DENIED'} "
        f"by {r.actor}"
        for r in records
        if r.type in (Event.APPROVAL_GIVEN, Event.APPROVAL_DENIED)
    ]
    return [f"  approvals: {'; '.join(said)}"]


def outcome_of(end: Record | None) -> str:
    """`completed (exit 0)`, `rolled back (exit 3)`, or why there is no outcome yet."""
    if end is None:
        return "unfinished: no session end (still running, or cut off: it can be resumed)"
    payload = end.payload
    reason = f": {payload['reason']}" if payload.get("reason") else ""
    outcome = str(payload.get("outcome", "?")).replace("_", " ")
    return f"{outcome} (exit {payload.get('exit_code')}){reason}"


def outcome_text(fold: SessionFold) -> str:
    """The outcome line of a folded session (see `outcome_of`)."""
    return outcome_of(fold.end)


def format_duration(span: timedelta | float) -> str:
    """`1h02m03s`, `4m05s`, `12.5s`."""
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    if seconds < 60:
        return f"{seconds:.1f}s".replace(".0s", "s")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
