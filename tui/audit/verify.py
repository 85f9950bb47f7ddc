"""`turnout audit verify`: is the log intact, and if so what does it say in five lines.

The summary ends with the last record's hash. Quote it in the change ticket: a hash chain proves
nothing was edited, removed or reordered *inside* the log, but only a hash kept elsewhere proves
records were not cut off the end or the whole log rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tui.audit.chain import LogReading, read_log
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
            f"  the {good} records before it are intact (last hash "
            f"{reading.last_hash}); resuming the session repairs the log"
        )
    elif good:
        lines.append(f"  lines 1-{good} verify; nothing from line {problem.line} on can be trusted")
    return "\n".join(lines)


def summary_text(reading: LogReading) -> str:
    """Events, time span, operator, outcome and the last hash of an intact log."""
    fold = SessionFold.of(reading.records)
    start = fold.start.payload if fold.start else {}
    runbook = start.get("runbook") or {}
    aws = start.get("aws") or {}
    first, last = fold.first_time, fold.last_time
    assert first is not None and last is not None
    lines = [
        f"{reading.path}: intact: {len(reading.records)} events, hash chain verified",
        f"  runbook:   {runbook.get('name', '?')} ({runbook.get('path', '?')}, "
        f"sha256 {str(runbook.get('sha256', '?'))[:12]}…)",
        f"  operator:  {start.get('operator', '?')} on {start.get('host', '?')}",
        f"  target:    {start.get('mode', '?')}, account {aws.get('account') or '?'}, "
        f"region {aws.get('region') or '?'}",
        f"  span:      {reading.records[0].ts} → {reading.records[-1].ts} "
        f"({format_duration(last - first)})",
        f"  outcome:   {outcome_text(fold)}",
    ]
    extras = []
    if fold.resumes:
        extras.append(f"resumed {len(fold.resumes)}×")
    if fold.repairs:
        extras.append(f"torn line repaired {len(fold.repairs)}×")
    if fold.lock_breaks:
        extras.append(f"stale lock broken {len(fold.lock_breaks)}×")
    if extras:
        lines.append(f"  history:   {', '.join(extras)}")
    lines.append(f"  last hash: {reading.last_hash}")
    return "\n".join(lines)


def outcome_text(fold: SessionFold) -> str:
    """`completed (exit 0)`, `rolled back (exit 3)`, or why there is no outcome yet."""
    if fold.end is None:
        return "unfinished: no session end (still running, or cut off: it can be resumed)"
    payload = fold.end.payload
    reason = f": {payload['reason']}" if payload.get("reason") else ""
    return (
        f"{str(payload.get('outcome', '?')).replace('_', ' ')} (exit "
        f"{payload.get('exit_code')}){reason}"
    )


def format_duration(span: timedelta | float) -> str:
    """`1h02m03s`, `4m05s`, `12.5s`."""
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    if seconds < 60:
        return f"{seconds:.1f}s".replace(".0s", "s")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
