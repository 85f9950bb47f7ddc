"""The world's clock, read from another process: for a session that must be SIGKILLed without
killing its world (the crash-and-resume test and bench/crash_matrix.py).

The world's clock is not wall time scaled: a busy machine holds it back (see `ScaledClock`'s
`hold_within`). A child that computed world time from the wall clock ran ahead of the world
under load, found no metrics for "now", read a missing-data breach and rolled a healthy canary
back. So the world's process publishes its clock to a file (`ClockPublisher`), and the child
reads it (`ClockFile`), extrapolating only a little past the last reading. `turnout world`
serves the same reading over HTTP (tui/rehearsal/world_endpoint.py), read by `PublishedClock`
for a `turnout run` pointed at it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from tui.clock import Clock

PUBLISH_EVERY = 0.05  # real seconds between two publications
# How far past its last reading a reader runs on its own, in real seconds: a publisher that
# stalls (its process busy) stalls the reader's world too, as it stalls the world itself.
EXTRAPOLATE_AT_MOST = 0.25


def clock_reading(clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> dict:
    """What a publisher says of `clock`: its time, its speed, and the monotonic time it was
    read at (system-wide on Linux and macOS: a reader on this host reads the same)."""
    return {
        "now": clock.now().isoformat(),
        "mono": monotonic(),
        "speed": getattr(clock, "speed", 1.0),
    }


class ClockPublisher:
    """Writes `clock`'s time, its speed and the monotonic time it was read at to `path`, every
    PUBLISH_EVERY real seconds, on a thread; a context manager."""

    def __init__(
        self, clock: Clock, path: Path, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock, self.path, self._monotonic = clock, path, monotonic
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clock-publisher", daemon=True)

    def publish(self) -> None:
        reading = clock_reading(self.clock, self._monotonic)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(reading), encoding="utf-8")
        os.replace(partial, self.path)  # a reader sees the old reading or the new, whole

    def _run(self) -> None:
        while not self._stop.wait(PUBLISH_EVERY):
            self.publish()

    def __enter__(self) -> ClockPublisher:
        self.publish()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class PublishedClock:
    """A clock another process publishes, got by `read()` (a `clock_reading`): never goes
    backwards; `sleep` waits until the world's time has passed, however slowly it runs. `now`
    reads again when the last read is `every` real seconds old (0: at every call; a read over
    HTTP is dearer than a file's), extrapolating in between."""

    def __init__(
        self,
        read: Callable[[], dict],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        every: float = 0.0,
    ) -> None:
        self._read, self._monotonic, self._every = read, monotonic, every
        self._last: datetime | None = None
        self._speed = 1.0
        self._reading: dict | None = None
        self._read_at = float("-inf")

    @property
    def speed(self) -> float:
        """How much faster than real time the published clock runs (as last read)."""
        return self._speed

    def now(self) -> datetime:
        mono = self._monotonic()
        if self._reading is None or mono - self._read_at >= self._every:
            self._reading, self._read_at = self._read(), mono
        reading = self._reading
        self._speed = float(reading["speed"])
        ahead = min(max(mono - float(reading["mono"]), 0.0), EXTRAPOLATE_AT_MOST)
        now = datetime.fromisoformat(reading["now"]) + timedelta(seconds=ahead * self._speed)
        if self._last is not None and now < self._last:
            now = self._last
        self._last = now
        return now

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        until = self.now() + timedelta(seconds=seconds)
        while (left := (until - self.now()).total_seconds()) > 0:
            time.sleep(min(left / self._speed, PUBLISH_EVERY))


class ClockFile(PublishedClock):
    """The clock a `ClockPublisher` publishes to `path`, read in another process."""

    def __init__(self, path: Path, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        super().__init__(lambda: json.loads(path.read_text(encoding="utf-8")), monotonic=monotonic)
