"""Reading a log and checking its hash chain, record by record, naming the first bad line and why.

`ChainVerifier` checks one line at a time (the writer uses it on reopen, a live view can use it
while tailing); `read_log` checks a whole file and refines the diagnosis with hindsight (a gap in
the sequence numbers whose missing record turns up later is a reordering, not a deletion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.audit.canonical import GENESIS, declared_prev, record_hash, split_line
from tui.audit.errors import BrokenLogError, SessionDirError
from tui.audit.record import HEAD, Record

LOG_NAME = "audit.jsonl"
"""The log's file name inside a session directory."""

__all__ = [
    "LOG_NAME",
    "ChainBreak",
    "ChainVerifier",
    "LogReading",
    "Record",
    "log_path",
    "read_log",
    "require_intact",
]


class ChainBreak(Exception):
    """The first line that does not verify. `reason` is one of the names in docs/audit.md:
    torn, malformed, edited, missing, reordered, duplicate, broken-chain, empty."""

    def __init__(self, line: int, reason: str, detail: str) -> None:
        super().__init__(f"line {line}: {detail}")
        self.line = line
        self.reason = reason
        self.detail = detail


class ChainVerifier:
    """Checks lines in order against the chain rule; keeps the last good hash, seq and offset."""

    def __init__(self) -> None:
        self.prev = GENESIS
        self.seq = 0
        self.line = 0
        self.offset = 0

    def feed(self, line: bytes) -> Record:
        """Verify one complete line (without its newline) and return it as a `Record`.

        Raises ChainBreak naming this line if it does not verify; the verifier's state is then
        left at the last good record.
        """
        number = self.line + 1
        parts = split_line(line)
        prev = declared_prev(parts[0]) if parts else None
        head = HEAD.match(line)
        if parts is None or prev is None or head is None:
            raise ChainBreak(
                number, "edited" if line.strip() else "malformed", _malformed_detail(line)
            )
        body, claimed = parts
        if record_hash(prev, body) != claimed:
            raise ChainBreak(
                number, "edited", "its content does not match its hash: the line was edited"
            )
        expected = self.seq + 1
        seq = int(head[1])
        if seq > expected:
            raise ChainBreak(
                number,
                "missing",
                f"seq {seq} follows seq {self.seq}: "
                f"{_records(seq - expected)} missing before this line (deleted)",
            )
        if seq < expected:
            raise ChainBreak(
                number,
                "duplicate",
                f"seq {seq} comes again after seq {self.seq}: a record was copied or replayed",
            )
        if prev != self.prev:
            before = "the start of the log" if number == 1 else f"line {number - 1}'s hash"
            raise ChainBreak(
                number,
                "broken-chain",
                f"its hash is self-consistent but its prev does not match {before}: "
                "a record was forged or replaced with a recomputed hash",
            )
        self.line = number
        self.seq = seq
        self.prev = claimed
        self.offset += len(line) + 1
        return Record(
            seq, head[2].decode(), head[3].decode(), prev, claimed, number, self.offset, raw=line
        )


def _records(count: int) -> str:
    return "1 record is" if count == 1 else f"{count} records are"


def _malformed_detail(line: bytes) -> str:
    if not line.strip():
        return "an empty line where a record should be: the log was edited"
    return "not in turnout's record layout: the line was edited or inserted"


@dataclass
class LogReading:
    """A whole log read and checked: the good records, and the first problem if there is one.

    `torn` is set when the only problem is a final line without its newline (a write cut off by
    a crash); `good_bytes` is the length of the verified prefix either way.
    """

    path: Path
    records: list[Record] = field(default_factory=list)
    problem: ChainBreak | None = None
    torn: bool = False
    torn_bytes: bytes = b""
    good_bytes: int = 0

    @property
    def intact(self) -> bool:
        """Every line verified and nothing trails the last one."""
        return self.problem is None

    @property
    def last_hash(self) -> str:
        """The hash a new record must chain to."""
        return self.records[-1].hash if self.records else GENESIS


def log_path(session: str | Path) -> Path:
    """The audit.jsonl of a session directory, or the file itself if given one.

    Raises SessionDirError (exit 2) when neither exists.
    """
    path = Path(session)
    if path.is_dir():
        path = path / LOG_NAME
    if not path.is_file():
        raise SessionDirError(
            f"{session}: no session log here. Give a session directory (sessions/<time>-<runbook>/)"
            f" or its {LOG_NAME}."
        )
    return path


def read_log(session: str | Path) -> LogReading:
    """Read and verify a whole log. Never raises for a bad log: the problem is in the reading."""
    path = log_path(session)
    data = path.read_bytes()
    reading = LogReading(path)
    lines = data.split(b"\n")
    trailing = lines.pop()  # what follows the last newline: empty unless the last line is torn
    verifier = ChainVerifier()
    records = reading.records
    try:
        for line in lines:
            records.append(verifier.feed(line))
    except ChainBreak as exc:
        reading.problem = _refine(exc, lines, records)
    reading.good_bytes = verifier.offset
    if reading.problem is None and trailing:
        reading.torn = True
        reading.torn_bytes = trailing
        reading.problem = ChainBreak(
            len(lines) + 1,
            "torn",
            f"torn final line: {len(trailing)} bytes without an end of line (the write was cut "
            f"off, e.g. by a crash); the {len(lines)} records before it verify",
        )
    if reading.problem is None and not records:
        reading.problem = ChainBreak(1, "empty", "the log is empty: the session never started")
    return reading


def _refine(exc: ChainBreak, lines: list[bytes], records: list[Record]) -> ChainBreak:
    """Tell a reordering from a deletion by looking for the missing seq further down."""
    if exc.reason != "missing":
        return exc
    wanted = (records[-1].seq if records else 0) + 1
    probe = f'{{"seq":{wanted},'.encode()
    for later in range(exc.line, len(lines)):
        if lines[later].startswith(probe):
            return ChainBreak(
                exc.line,
                "reordered",
                f"out of order: seq {wanted} belongs here but is at line {later + 1} "
                "(lines were swapped or moved)",
            )
    return exc


def require_intact(reading: LogReading) -> None:
    """Raise BrokenLogError (exit 2) naming the first bad line unless the log verifies."""
    if reading.problem is not None:
        raise BrokenLogError(
            f"{reading.path}: {reading.problem}",
            line=reading.problem.line,
            reason=reading.problem.reason,
        )
