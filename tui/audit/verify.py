"""`turnout audit verify`: is the log intact, and if so what does it say in five lines.

The summary ends with the last record's hash. Quote it in the change ticket: a hash chain proves
nothing was edited, removed or reordered *inside* the log, but only a hash kept elsewhere proves
records were not cut off the end or the whole log rewritten.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tui.audit.chain import ChainBreak, LogReading, log_path, read_log
from tui.audit.events import Event
from tui.audit.record import Record
from tui.audit.scan import LogScan, first_unusable_line, scan_log, worth_pattern
from tui.audit.state import SessionFold


class Verdict:
    """The result of verifying one log: `ok`, the text to print, and the last hash.

    `last_hash` is the hash to quote (or to compare with one kept elsewhere); `events` the number
    of records that verify. `reading`, the records themselves, is only read when first asked for:
    an intact log is verified without building them.
    """

    def __init__(
        self,
        path: Path,
        ok: bool,
        text: str,
        last_hash: str,
        events: int,
        reading: LogReading | None = None,
    ) -> None:
        self.path = path
        self.ok = ok
        self.text = text
        self.last_hash = last_hash
        self.events = events
        self._reading = reading

    @property
    def reading(self) -> LogReading:
        """The log read record by record (read now if the fast path verified it)."""
        if self._reading is None:
            self._reading = read_log(self.path)
        return self._reading

    @property
    def problem(self) -> ChainBreak | None:
        """The first line that does not verify, or None."""
        return None if self.ok else self.reading.problem


def verify(session: str | Path) -> Verdict:
    """Verify a session directory or audit.jsonl. Raises SessionDirError if there is no log.

    The fast path (`scan.scan_log`) checks an intact log in bulk; anything it is not sure of is
    read line by line, which names the first bad line and why.
    """
    path = log_path(session)
    scan = scan_log(path)
    if scan is not None:
        return Verdict(path, True, summary_text(scan), scan.last_hash, scan.count)
    reading = read_log(path)
    if reading.problem is None:
        reading = check_records(reading)
    if reading.problem is not None:
        return Verdict(
            path, False, failure_text(reading), reading.last_hash, len(reading.records), reading
        )
    scan = LogScan.of_records(path, reading.records)
    return Verdict(path, True, summary_text(scan), scan.last_hash, scan.count, reading)


def check_records(reading: LogReading) -> LogReading:
    """The reading, cut at the first line that chains but is not a valid record (issue 18).

    A line whose hash chains can still be something no reader can use (not JSON, members out of
    order, a payload that is not an object): `report` and `resume` refuse it, so verify must too.
    Lines of the writer's own form pass a linear-time pattern; only others are parsed.
    """
    data = reading.path.read_bytes()[: reading.good_bytes]
    bad = first_unusable_line(data, worth_pattern(len(data)))
    if bad is not None:
        good = reading.records[: bad - 1]
        return LogReading(
            reading.path,
            records=good,
            problem=ChainBreak(
                bad,
                "malformed",
                "its hash chains, but it is not a valid record (not JSON, or not the record's "
                "members in order): it was forged by someone who recomputed the chain, or "
                "written by a faulty tool",
            ),
            good_bytes=good[-1].end if good else 0,
        )
    return reading


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


def summary_text(scan: LogScan) -> str:
    """Events, time span, operator, outcome and the last hash of an intact log.

    Only the start and end records are parsed: verification stays near hashing speed.
    """
    start = scan.start.payload if scan.start else {}
    runbook = start.get("runbook") or {}
    aws = start.get("aws") or {}
    first, last = scan.first, scan.last
    lines = [
        f"{scan.path}: intact: {scan.count} events, hash chain verified",
        f"  runbook:   {runbook.get('name', '?')} ({runbook.get('path', '?')}, "
        f"sha256 {str(runbook.get('sha256', '?'))[:12]}…)",
        f"  operator:  {start.get('operator', '?')} on {start.get('host', '?')}",
        f"  target:    {start.get('mode', '?')}, account {aws.get('account') or '?'}, "
        f"region {aws.get('region') or '?'}",
        f"  span:      {first.ts} → {last.ts} ({format_duration(last.time - first.time)})",
        f"  outcome:   {outcome_of(scan.end)}",
    ]
    counts = scan.counts
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
    lines += _approvals(scan)
    lines.append(f"  last hash: {scan.last_hash}")
    return "\n".join(lines)


def _approvals(scan: LogScan) -> list[str]:
    """Who approved or denied what (four-eyes). A log without approvals costs nothing more; one
    with them is read again for those few records (the fast scan keeps no records)."""
    if not (scan.counts[Event.APPROVAL_GIVEN] or scan.counts[Event.APPROVAL_DENIED]):
        return []
    records = read_log(scan.path).records
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
