"""Following a session's audit log as it is written, for `turnout watch`: the replay's
translation of records into the engine's events (tui/app/replay.py), fed by a tail of the log
instead of a recording. Pure: no Textual (the watch app posts what this emits).

`LogFollower.run(emit)` runs on a worker thread and never returns until `stop()`: it polls the
log (`LogTail`: a line still being written is held back until its newline comes; every record
is verified against the chain as it arrives) and hands each batch of new records' events to
`emit(items, catching_up)`. The first batch is what was written before the watcher came
(`catching_up`: drawn at once, not re-announced). It only ever opens the log for reading: no
lock, no lease, nothing written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui.app.replay import AnsweredInReplay, AskedInReplay, RecordTranslator
from tui.audit.chain import LOG_NAME, ChainBreak, Record
from tui.audit.errors import BrokenLogError
from tui.audit.replay import LogTail

POLL_S = 0.25  # how often the log is looked at for new records (real seconds)
START_WAIT_S = 3.0  # how long to wait for a just-started session to say which runbook it runs


class FollowClock:
    """The watched session's time as the watcher can know it: the time of the latest record,
    running on at real speed until the next one (a `Clock`).

    Between records a rehearsal's world may run faster than real time, so the next record can
    jump the clock forward; it never goes back (a real session's records arrive a poll late).
    While a question waits, a rehearsal's world runs at real time too, so its countdown is
    right here as on the operator's screen.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._at: datetime | None = None
        self._mono = 0.0

    def reached(self, when: datetime) -> None:
        """A record written at `when` has been read."""
        with self._lock:
            if self._at is None or when > self._now():
                self._at, self._mono = when, self._monotonic()

    def now(self) -> datetime:
        """The session's time now, as far as its log tells."""
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        if self._at is None:
            return datetime.now(UTC)
        return self._at + timedelta(seconds=self._monotonic() - self._mono)

    def sleep(self, seconds: float) -> None:
        """For the Clock protocol; nothing in a watch waits on it."""
        time.sleep(seconds)


Emit = Callable[[list[Any], bool], None]
"""`emit(items, catching_up)`: a batch of events and records, in the log's order."""


class LogFollower:
    """Tails one session's log and turns each new record into what the app draws.

    It stands where a `ReplayPlayer` stands in the app (`clock`, `run`, `stop`), but nothing
    in it can be paused or sped up: it shows the session as it is now.
    """

    def __init__(self, session_dir: str | Path, *, title: str = "", poll_s: float = POLL_S) -> None:
        self.session_dir = Path(session_dir)
        self.clock = FollowClock()
        self.poll_s = poll_s
        self.playing = True
        self.speed = 1.0
        self.records_read = 0
        self._translator = RecordTranslator(str(self.session_dir), title)
        self._tail: LogTail | None = None
        self._stop = threading.Event()

    def toggle(self) -> bool:
        """A live session cannot be paused from here: always playing."""
        return True

    def where(self) -> str:
        """A replay's position for the status bar; a live session is always at its end."""
        return ""

    def stop(self) -> None:
        """Stop following (the app is leaving)."""
        self._stop.set()

    def poll(self) -> list[Record]:
        """The records completed since the last poll; none while the log does not exist yet (a
        session directory just made). Raises ChainBreak for a record that does not verify."""
        if self._tail is None:
            if not (self.session_dir / LOG_NAME).is_file():
                return []
            self._tail = LogTail(self.session_dir)
        records = self._tail.poll()
        self.records_read += len(records)
        return records

    def events(self, records: list[Record]) -> list[Any]:
        """Each record's events, then the record itself (for the audit tail). A question asked
        and answered within one batch (before the watcher came, or between two polls) is not
        opened and closed again in the same moment: only one still waiting is shown, and the
        answer is told like every other. (A modal taken down before it has mounted has no
        widgets to draw on: the app would stop.)"""
        items: list[Any] = []
        for record in records:
            self.clock.reached(record.time)
            items.extend(self._translator.events(record))
        asked = {id(i.pending) for i in items if isinstance(i, AskedInReplay)}
        both = asked & {id(i.pending) for i in items if isinstance(i, AnsweredInReplay)}
        return [
            i
            for i in items
            if not (isinstance(i, AskedInReplay | AnsweredInReplay) and id(i.pending) in both)
        ]

    def run(self, emit: Emit, alive: Callable[[], bool] = lambda: True) -> None:
        """Until `stop()`, or until `alive()` is false (the app has gone without stopping it:
        its event loop, closing, waits for this thread): emit the events of every record as
        it is written."""
        catching_up = True
        while not self._stop.is_set() and alive():
            records = self.poll()
            if records:
                emit(self.events(records), catching_up)
            catching_up = False
            if self._stop.wait(self.poll_s):
                return


def session_start(session_dir: Path, wait_s: float = START_WAIT_S) -> dict:
    """The `session.start` payload of a session, waiting a moment for one just started (the
    engine checks the identity first). Read with the chain verified (a tampered log is refused
    here, exit 2); `{}` when there is none yet."""
    follower = LogFollower(session_dir)
    end = time.monotonic() + wait_s
    while True:
        try:
            records = follower.poll()
        except ChainBreak as exc:
            raise BrokenLogError(
                f"{session_dir / LOG_NAME}: {exc}", line=exc.line, reason=exc.reason
            ) from exc
        start = next((r.payload for r in records if r.type == "session.start"), None)
        if start is not None:
            return dict(start)
        if time.monotonic() >= end:
            return {}
        time.sleep(0.1)
