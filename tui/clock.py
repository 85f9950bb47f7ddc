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
        return self._origin + timedelta(seconds=(self._monotonic() - self._mono) * self._speed)

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._origin += timedelta(seconds=seconds)

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
