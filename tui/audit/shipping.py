"""Copies of the log shipped off the box as it is written (the runbook's `audit:` key).

The writer hands each durable line to `Shipper.offer` (under its lock, so in log order); that
only puts it on a bounded queue, so shipping never blocks or slows the engine. One background
thread, `turnout-audit-shipper`, gives each line to every `StreamSink` (CloudWatch Logs: every
record) and, at each checkpoint, the log as it stands to every `SnapshotSink` (S3: one object
version per checkpoint, the last one the finished log). A sink that fails is retried with a
back-off; its first failure and its recovery are recorded in the log (`audit.shipping`), never
every retry, and nothing of it stops the session. At the end `close` drains what is left
within a deadline and says what reached each copy (`ShipResult`).

The sinks (tui/aws/audit_copies.py) only raise; they never write the log (the layering of
docs/architecture.md): this module is the one that records.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tui.audit.events import Event
from tui.audit.record import Record

CHECKPOINTS = frozenset(
    {
        Event.SESSION_START,
        Event.SESSION_RESUME,
        Event.STEP_END,
        Event.ROLLBACK_END,
        Event.SESSION_END,
    }
)
"""The records after which the whole log is put again (each a new, locked, object version)."""

QUEUE_LIMIT = 100_000
BATCH = 500
BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0)
# AWS's answers that no retry within the end's drain can change: the group or the bucket is not
# there, or the session may not write to it. Mid-session such a copy is still retried (someone
# may create the group or grant the permission); at the end it is given up at once rather than
# holding the session's last line for the whole drain.
PERMANENT = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchBucket",
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
    }
)


class StreamSink(Protocol):
    """A copy that takes every line, in order (CloudWatch Logs)."""

    where: str

    def start(self) -> int:
        """Make ready (create the stream); the last seq already shipped (0 for none)."""

    def put(self, lines: list[tuple[int, bytes]]) -> None:
        """Ship (seq, line) pairs in order; raise on failure (nothing or all of them shipped)."""


class SnapshotSink(Protocol):
    """A copy of the whole log at each checkpoint (S3)."""

    where: str

    def start(self) -> int:
        """Make ready (read the bucket's Object Lock); returns 0."""

    def put_log(self, content: bytes, final: bool) -> str:
        """Store the log as it stands; what was stored (a version, its retention). Raise on
        failure."""


Record_ = Callable[[str, dict[str, object]], None]


@dataclass
class ShipResult:
    """What reached one copy: the last seq shipped, the failures, what could not be shipped."""

    where: str
    shipped_seq: int = 0
    failures: int = 0
    last_error: str = ""
    detail: str = ""
    dropped: int = 0


@dataclass
class _Copy:
    sink: StreamSink | SnapshotSink
    result: ShipResult
    ready: bool = False
    failing: bool = False
    retry_at: float = 0.0
    pending: list[tuple[int, bytes]] = field(default_factory=list)  # a stream's lines
    snapshot_seq: int = 0  # a snapshot's: the checkpoint to put (0: none)
    final: bool = False
    permanent: bool = False  # its last failure was one of PERMANENT


class Shipper:
    """Ships one session's log to its copies from a background thread; see the module doc."""

    def __init__(
        self,
        path: Path,
        streams: list[StreamSink],
        snapshots: list[SnapshotSink],
        record: Record_,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._record = record
        self._monotonic = monotonic
        self._queue: queue.Queue[tuple[int, str, bytes, int] | None] = queue.Queue(QUEUE_LIMIT)
        self._copies = [_Copy(s, ShipResult(s.where)) for s in [*streams, *snapshots]]
        self._streams = {id(s) for s in streams}
        self._wake = threading.Event()
        self._closing = False
        self._deadline = float("inf")
        self._dropped = 0
        self._thread = threading.Thread(target=self._run, name="turnout-audit-shipper", daemon=True)

    def start(self, existing: bytes) -> None:
        """Begin with the lines the log already holds (a resumed session's), then follow it."""
        for number, line in enumerate(existing.splitlines(), start=1):
            self._queue.put((number, _type_of(line), line, 0))
        self._thread.start()

    def offer(self, record: Record, line: bytes) -> None:
        """The writer's listener: never blocks (a full queue drops the line, counted)."""
        try:
            self._queue.put_nowait((record.seq, record.type, line.rstrip(b"\n"), record.end))
        except queue.Full:
            self._dropped += 1
        self._wake.set()

    def close(self, within: float = 20.0) -> list[ShipResult]:
        """Drain what is queued to every copy, giving up after `within` seconds; the results."""
        self._closing = True
        self._deadline = self._monotonic() + within
        self._queue.put(None)
        self._wake.set()
        self._thread.join(within)  # a copy hung past it is left to its daemon thread
        for copy in self._copies:
            copy.result.dropped = self._dropped
        return [c.result for c in self._copies]

    # -- the shipper's thread ---------------------------------------------------------------

    def _run(self) -> None:
        for copy in self._copies:
            self._try(copy, lambda c=copy: self._ready(c))
        done = False
        while True:
            done = self._take(done)
            live = [c for c in self._copies if not (self._closing and c.permanent)]
            for copy in live:
                if copy.ready and not self._late(copy):
                    self._try(copy, lambda c=copy: self._ship(c))
                elif not copy.ready and not self._late(copy):
                    self._try(copy, lambda c=copy: self._ready(c))
            busy = any(c.pending or c.snapshot_seq or not c.ready for c in live)
            if done and (not busy or self._monotonic() >= self._deadline):
                return
            if busy:
                self._wake.wait(self._pause())
                self._wake.clear()

    def _take(self, done: bool) -> bool:
        """Move what is queued to each copy's work; True once the end of the log was seen."""
        block = not done and not any(c.pending or c.snapshot_seq for c in self._copies)
        while True:
            try:
                item = self._queue.get(block=block, timeout=0.5 if block else None)
            except queue.Empty:
                return done
            block = False
            if item is None:
                return True
            seq, type_, line, _end = item
            for copy in self._copies:
                if id(copy.sink) in self._streams:
                    if seq > copy.result.shipped_seq:
                        copy.pending.append((seq, line))
                elif type_ in CHECKPOINTS:
                    copy.snapshot_seq = seq
                    copy.final = type_ == Event.SESSION_END

    def _late(self, copy: _Copy) -> bool:
        return copy.failing and self._monotonic() < copy.retry_at

    def _pause(self) -> float:
        now = self._monotonic()
        waits = [c.retry_at - now for c in self._copies if c.failing]
        return max(0.05, min([*waits, self._deadline - now], default=0.05))

    def _ready(self, copy: _Copy) -> None:
        copy.result.shipped_seq = max(copy.result.shipped_seq, copy.sink.start())
        copy.pending = [(s, line) for s, line in copy.pending if s > copy.result.shipped_seq]
        copy.ready = True

    def _ship(self, copy: _Copy) -> None:
        if id(copy.sink) in self._streams:
            while copy.pending:
                batch = copy.pending[:BATCH]
                copy.sink.put(batch)  # type: ignore[union-attr]
                copy.result.shipped_seq = batch[-1][0]
                del copy.pending[: len(batch)]
        elif copy.snapshot_seq:
            seq, final = copy.snapshot_seq, copy.final
            content = _first_lines(self.path, seq)
            copy.result.detail = copy.sink.put_log(content, final)  # type: ignore[union-attr]
            copy.result.shipped_seq = seq
            if copy.snapshot_seq == seq:
                copy.snapshot_seq = 0

    def _try(self, copy: _Copy, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as exc:  # any failure of a copy: recorded once, retried, never fatal
            copy.result.failures += 1
            copy.result.last_error = f"{type(exc).__name__}: {exc}"
            copy.permanent = _error_code(exc) in PERMANENT
            tries = copy.result.failures
            copy.retry_at = self._monotonic() + BACKOFF_S[min(tries - 1, len(BACKOFF_S) - 1)]
            if not copy.failing:
                copy.failing = True
                self._note(copy, "failing", copy.result.last_error)
            return
        copy.permanent = False
        if copy.failing:
            copy.failing = False
            self._note(copy, "recovered", f"after {copy.result.failures} failed attempts")

    def _note(self, copy: _Copy, state: str, detail: str) -> None:
        if self._closing:
            return  # the log may hold session.end already: the failure is in close()'s result
        payload = {"copy": copy.sink.where, "state": state, "detail": detail}
        # The log closed or failing: close()'s result still says it.
        with contextlib.suppress(Exception):
            self._record(Event.AUDIT_SHIPPING, {**payload, "shipped_seq": copy.result.shipped_seq})


def _error_code(exc: Exception) -> str:
    """AWS's error code of a sink's failure (botocore's ClientError, read without importing
    botocore here: the audit layer imports none of it), or "" for anything else."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return str(getattr(exc, "code", "") or "")


def _type_of(line: bytes) -> str:
    """A line's record type, without parsing its payload (the layout is fixed)."""
    start = line.find(b'"type":"')
    if start < 0:
        return ""
    start += len(b'"type":"')
    return line[start : line.find(b'"', start)].decode("ascii", "replace")


def _first_lines(path: Path, seq: int) -> bytes:
    """The log's first `seq` lines, as written (a later line may be on its way)."""
    with open(path, "rb") as fh:
        content = fh.read()
    kept = content.split(b"\n")[:seq]
    return b"\n".join(kept) + b"\n"
