"""What a replay or a live view needs from a log: records on a timeline, state at a moment, metric
series, and a tail that follows a log while it is written.

The app's `turnout replay SESSION` loads a `Replay` and steps through `records` (each has its
offset from the session start), folding them into a `SessionFold` to draw step states, the
metric charts (`metric_series`) and each confirmation as it was shown. A live session view uses
`LogTail` to pick up records as the engine writes them, verified as they arrive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.audit.chain import (
    ChainBreak,
    ChainVerifier,
    LogReading,
    Record,
    log_path,
    read_log,
    require_intact,
)
from tui.audit.events import Event
from tui.audit.state import SessionFold


@dataclass(frozen=True)
class MetricPoint:
    """One guardrail poll on a replay's timeline."""

    offset_s: float
    value: float | None
    breached: bool
    decision: str | None
    seq: int


class Replay:
    """A verified log laid out in time. A torn final line is tolerated (it never happened)."""

    def __init__(self, reading: LogReading) -> None:
        if not reading.torn:
            require_intact(reading)
        self.reading = reading
        self.records = reading.records
        self.start: datetime | None = self.records[0].time if self.records else None

    @classmethod
    def load(cls, session: str | Path) -> Replay:
        """Read and verify `session` (a directory or its audit.jsonl)."""
        return cls(read_log(session))

    @property
    def duration_s(self) -> float:
        """Seconds from the first record to the last."""
        return self.offset(self.records[-1]) if self.records else 0.0

    def offset(self, record: Record) -> float:
        """Seconds from the session start to `record`."""
        assert self.start is not None
        return (record.time - self.start).total_seconds()

    def state_at(self, offset_s: float) -> SessionFold:
        """The session as it stood `offset_s` seconds in (every record written by then)."""
        fold = SessionFold()
        for record in self.records:
            if self.offset(record) > offset_s:
                break
            fold.apply(record)
        return fold

    def metric_series(self, step: str, guardrail: str) -> list[MetricPoint]:
        """Every poll of one guardrail of one step, in order."""
        return [
            MetricPoint(
                self.offset(r),
                _number(r.payload.get("value")),
                bool(r.payload.get("breached")),
                r.payload.get("decision"),
                r.seq,
            )
            for r in self.records
            if r.type == Event.GUARDRAIL
            and r.payload.get("step") == step
            and r.payload.get("name") == guardrail
        ]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class LogTail:
    """Follows a log being written: each `poll()` returns the records completed since the last.

    A line without its newline yet is a write in progress, not a torn line: it is kept back until
    it is complete. Every record is verified against the chain as it arrives; a record that does
    not verify raises ChainBreak.
    """

    def __init__(self, session: str | Path) -> None:
        self.path = log_path(session)
        self._verifier = ChainVerifier()
        self._pending = b""

    def poll(self) -> list[Record]:
        """Records appended since the last poll (possibly none)."""
        with open(self.path, "rb") as fh:
            fh.seek(self._verifier.offset + len(self._pending))
            chunk = fh.read()
        if not chunk:
            if os.path.getsize(self.path) < self._verifier.offset:
                raise_truncated(self.path)
            return []
        data = self._pending + chunk
        *lines, self._pending = data.split(b"\n")
        return [self._verifier.feed(line) for line in lines]


def raise_truncated(path: Path) -> None:
    """A log shorter than what was already read was truncated under the reader."""
    raise ChainBreak(0, "truncated", f"{path} became shorter while being read")
