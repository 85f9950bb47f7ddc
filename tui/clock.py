"""Time for the engine and the rehearsal world, injected so tests run a 10-minute bake in ms.

Three clocks share one small interface:
- `SystemClock`, the wall clock, for real AWS;
- `ScaledClock`, wall time sped up by a factor, for drills (`--speed 30`), which the rehearsal
  world, its metrics' timestamps and the engine all read so that they stay consistent;
- `ManualClock`, which moves only when told, for tests (its `sleep` advances it at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the engine and the world need of time."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ScaledClock:
    """Wall time running `speed` times faster from the moment it was made.

    `advance` jumps ahead (a drill skipping a bake); `speed` may change mid-run without the time
    jumping, so metric timestamps never go backwards. `monotonic` is the real-time source (a
    test gives its own, so what depends on real time is checked without waiting for it).

    `hold_within(limit)` keeps the clock from reading past `limit`: the world's simulator moves
    the limit on each time it steps, so a machine too busy to simulate the world at this speed
    makes the world slower (time stands at the limit until the simulator catches up) instead of
    leaving minutes without metrics that a guardrail would rightly read as a fault. Time held
    back is not made up later: the clock goes on from the limit, never jumps.
    """

    def __init__(
        self,
        speed: float = 1.0,
        start: datetime | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._lock = threading.Lock()
        self._speed = speed
        self._origin = start or datetime.now(UTC)
        self._monotonic = monotonic
        self._mono = monotonic()
        self._limit: datetime | None = None
        self.held = 0  # reads that found the clock at its limit

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value <= 0:
            raise ValueError("speed must be positive")
        with self._lock:
            self._origin = self._now_locked()
            self._mono = self._monotonic()
            self._speed = value

    def _now_locked(self) -> datetime:
        now = self._origin + timedelta(seconds=(self._monotonic() - self._mono) * self._speed)
        if self._limit is not None and now > self._limit:
            # Stand at the limit and go on from it later: the time not simulated is not lost.
            self._origin, self._mono = self._limit, self._monotonic()
            self.held += 1
            return self._limit
        return now

    def hold_within(self, limit: datetime | None) -> None:
        """Never read later than `limit` (None: no limit) until told otherwise."""
        with self._lock:
            self._limit = limit

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._origin += timedelta(seconds=seconds)
            if self._limit is not None:
                self._limit += timedelta(seconds=seconds)  # a jump asked for is not held back

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self._speed)


class ManualClock:
    """A clock that moves only when told; `sleep` advances it instantly. Thread-safe."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)
