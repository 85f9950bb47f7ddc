"""The only code that appends to a session log: hash-chained, redacted, durable before it returns.

Every `append` writes one whole line with a single `write`, then `fdatasync`s it, and only then
returns; so a record the engine got back is on the disk, and the engine writes an `api.intent`
*before* the call it announces and an `api.result` after. A failed write is cut back to the last
durable record (the log keeps verifying) and raised as `AuditWriteError`: the announced action
must then not be taken.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.audit.canonical import b64, encode_line, format_ts, to_jsonable
from tui.audit.chain import LOG_NAME, ChainBreak, Record, read_log, require_intact
from tui.audit.errors import AuditWriteError, SessionDirError, TornLogError
from tui.audit.events import ENGINE_ACTOR, Event
from tui.audit.lock import LockOwner, SessionLock
from tui.audit.redact import redact
from tui.audit.sessiondir import fsync_dir, write_all
from tui.clock import Clock
from tui.runbook.secrets import SECRETS

REPAIR_FLAG = "--repair-log"
"""The command-line flag front ends offer for truncating a torn final line (named in messages)."""


Listener = Callable[[Record, bytes], None]
"""Hears each line once it is durable, in log order, under the writer's lock: it must not
block (the shipper only queues it: tui/audit/shipping.py)."""


class AuditWriter:
    """An open session log that this process alone appends to (it holds the session's lock)."""

    def __init__(
        self,
        path: Path,
        fd: int,
        lock: SessionLock,
        clock: Clock,
        *,
        seq: int,
        last_hash: str,
        size: int,
    ) -> None:
        self.path = path
        self._fd: int | None = fd
        self._lock = lock
        self._clock = clock
        self._seq = seq
        self._last_hash = last_hash
        self._size = size
        self._mutex = threading.Lock()
        self._listeners: list[Listener] = []
        self._ended = False

    @classmethod
    def create(
        cls, session_dir: str | Path, clock: Clock, *, break_stale_lock: bool = False
    ) -> AuditWriter:
        """Start the log of a new session in `session_dir` (see `create_session_dir`).

        Raises LogLockedError if another process holds the session, SessionDirError if the
        directory already has a log (resume it instead) or cannot be written.
        """
        session_dir = Path(session_dir)
        lock, _ = SessionLock.acquire(session_dir, break_stale=break_stale_lock)
        path = session_dir / LOG_NAME
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            fsync_dir(session_dir)
        except FileExistsError:
            lock.release()
            raise SessionDirError(
                f"{path}: this session already has a log; resume it rather than start it again"
            ) from None
        except OSError as exc:
            lock.release()
            raise SessionDirError(f"{path}: cannot create the session log: {exc.strerror}") from exc
        return cls(path, fd, lock, clock, seq=0, last_hash="0" * 64, size=0)

    @classmethod
    def reopen(
        cls,
        session_dir: str | Path,
        clock: Clock,
        *,
        repair_torn: bool = False,
        break_stale_lock: bool = False,
    ) -> AuditWriter:
        """Open an existing session's log to append to it (resuming a session).

        The whole chain is verified first. A torn final line is refused (TornLogError) unless
        `repair_torn`, which truncates the log to its last good record and records the cut-off
        bytes in a `log.repair` record. A broken lock is recorded as `lock.broken`. A log that
        does not verify is refused (BrokenLogError): nothing may be appended to it.
        """
        session_dir = Path(session_dir)
        lock, broken = SessionLock.acquire(session_dir, break_stale=break_stale_lock)
        try:
            reading = read_log(session_dir)
            if reading.torn and not repair_torn:
                assert reading.problem is not None
                raise TornLogError(
                    f"{reading.path}: {reading.problem.detail}. To resume, repair it with "
                    f"{REPAIR_FLAG}: the log is cut back to its last good record and the cut "
                    "bytes are kept in a log.repair record.",
                    line=reading.problem.line,
                    good_bytes=reading.good_bytes,
                )
            if not reading.torn:
                require_intact(reading)
            fd = os.open(reading.path, os.O_WRONLY | os.O_APPEND)
        except BaseException:
            lock.release()
            raise
        writer = cls(
            reading.path,
            fd,
            lock,
            clock,
            seq=reading.records[-1].seq if reading.records else 0,
            last_hash=reading.last_hash,
            size=reading.good_bytes,
        )
        if reading.torn:
            writer._repair(reading.problem, reading.torn_bytes)
        if broken is not None:
            writer.append(
                Event.LOCK_BROKEN,
                {"previous_owner": broken.__dict__, "broken_by": LockOwner.me().__dict__},
            )
        return writer

    def _repair(self, problem: ChainBreak | None, torn: bytes) -> None:
        assert self._fd is not None and problem is not None
        os.ftruncate(self._fd, self._size)
        os.fsync(self._fd)
        self.append(
            Event.LOG_REPAIR,
            {
                "line": problem.line,
                "offset": self._size,
                "truncated_bytes": len(torn),
                "truncated_base64": b64(torn[:4096]),
                "reason": "torn final line",
            },
        )

    @property
    def session_dir(self) -> Path:
        """The directory holding this log (and its lock, screenshots and reports)."""
        return self.path.parent

    @property
    def last_seq(self) -> int:
        """The seq of the last durable record (0 before the first)."""
        return self._seq

    @property
    def last_hash(self) -> str:
        """The hash of the last durable record: worth quoting in a change ticket."""
        return self._last_hash

    def listen(self, listener: Callable[[bytes], None]) -> None:
        """Hear every line appended from now on, once it is durable, in log order (called with
        the writer's lock held: keep it quick): `subscribe` for a listener that needs only the
        line (headless `--json`'s echo, tui/headless.py). A listener's failure never costs a
        record."""
        self._listeners.append(lambda _record, line: listener(line))

    def now(self) -> str:
        """The current time as the log writes it."""
        return format_ts(self._clock.now())

    def subscribe(self, listener: Listener) -> bytes:
        """Have `listener` hear every line appended from now on; returns the lines already
        durable, so the listener misses none and hears none twice."""
        with self._mutex:
            with open(self.path, "rb") as fh:
                existing = fh.read(self._size)
            self._listeners.append(listener)
            return existing

    def append_before_end(self, event: str, payload: Mapping[str, Any]) -> Record | None:
        """`append`, unless `session.end` is written already (then None): what another thread
        records on its own (a copy off the box failing) never follows the end, whose hash the
        session ended by printing."""
        clean = SECRETS.data(redact(to_jsonable(payload)))
        with self._mutex:
            return None if self._ended else self._write(str(event), clean, ENGINE_ACTOR)

    def append(self, event: str, payload: Mapping[str, Any], actor: str = ENGINE_ACTOR) -> Record:
        """Append one record and return it once it is on the disk.

        The payload is converted to JSON data and redacted (redact.py) first, then every
        secret param value in it is masked (tui/runbook/secrets.py): the record hashed and
        written is the masked one, so the chain verifies. Thread-safe.
        Raises AuditWriteError if the record could not be made durable; the log is then cut
        back to its last good record.
        """
        clean = SECRETS.data(redact(to_jsonable(payload)))
        with self._mutex:
            return self._write(str(event), clean, actor)

    def _write(self, event: str, clean: Any, actor: str) -> Record:
        """Write one masked record; the caller holds the mutex."""
        if self._fd is None:
            raise AuditWriteError(f"{self.path}: the session log is closed")
        seq = self._seq + 1
        ts = self.now()
        prev = self._last_hash
        line, digest = encode_line(seq, ts, str(event), actor, clean, prev)
        try:
            write_all(self._fd, line)
            os.fdatasync(self._fd)
        except OSError as exc:
            self._cut_back()
            raise AuditWriteError(
                f"{self.path}: could not record {event} (seq {seq}): {exc.strerror}. "
                "The action it announced was not taken; the log still verifies."
            ) from exc
        self._seq = seq
        self._last_hash = digest
        self._ended = self._ended or event == Event.SESSION_END
        self._size += len(line)
        # The line number equals seq: a log never has anything but records in it.
        record = Record(
            seq,
            ts,
            str(event),
            prev,
            digest,
            seq,
            self._size,
            data={"actor": actor, "payload": clean},
        )
        for listener in self._listeners:
            # A copy's trouble never fails a record that is durable already.
            with contextlib.suppress(Exception):
                listener(record, line)
        return record

    def _cut_back(self) -> None:
        """Remove a partly written line, so the log still ends on a whole record."""
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, self._size)
            os.fsync(self._fd)
        except OSError:
            pass  # the reader will report the torn line; there is nothing better to do here

    def close(self) -> None:
        """Stop writing and release the session's lock. Idempotent."""
        with self._mutex:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
                self._lock.release()

    def __enter__(self) -> AuditWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
