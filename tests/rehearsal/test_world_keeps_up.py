"""A world faster than the machine can simulate slows down instead of leaving holes in its
metrics (no two steps more than MAX_WORLD_GAP of world time apart, from the very first late
step), and runs at the speed asked once the machine keeps up."""

from __future__ import annotations

import itertools
import threading

import pytest

from tui.clock import ScaledClock
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.simulator import MAX_WORLD_GAP, Simulator


class _RealTime:
    """The real-time source of the test's clock: it moves only when a turn says so, so the
    governor is checked on what a loaded machine would do without needing one."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class _Slow(Simulator):
    """The loop of the real simulator around a step that takes `delay` real seconds."""

    def __init__(self, clock: ScaledClock, real: _RealTime) -> None:
        super().__init__(None, None, WorldTime(clock), min_real_interval=0.01)  # type: ignore[arg-type]
        self.real = real
        self.delay = 0.0
        self.starts: list = []

    def step(self) -> None:
        self.starts.append(self.clock.now())
        self.real.t += self.delay
        self.stats.ticks += 1


class _Loop:
    """The simulator's loop, turn by turn: each turn steps, then waits the real time it asks
    for (or none, when something woke it)."""

    def __init__(self, speed: float) -> None:
        self.real = _RealTime()
        self.clock = ScaledClock(speed, monotonic=self.real)
        self.simulator = _Slow(self.clock, self.real)
        self.due = 0.0  # the real time the loop's current wait ends

    def run(self, real_seconds: float) -> None:
        """Let `real_seconds` of real time pass, turning whenever the loop's wait ends (at
        once, when something woke it)."""
        until = self.real.t + real_seconds
        while True:
            if self.simulator._wake.is_set():  # woken: the wait under way ends now
                self.simulator._wake.clear()
                self.due = self.real.t
            if self.due > until:
                self.real.t = until
                return
            self.real.t = max(self.real.t, self.due)
            wait = self.simulator.turn()
            self.due = self.real.t + wait

    def gaps(self) -> list[float]:
        starts = self.simulator.starts
        return [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]


def world_rate(loop: _Loop, real_seconds: float) -> float:
    """World seconds per real second over the next `real_seconds`."""
    before = loop.clock.now()
    loop.run(real_seconds)
    return (loop.clock.now() - before).total_seconds() / real_seconds


def test_a_slow_machine_slows_the_world_so_no_step_is_far_behind_the_last() -> None:
    loop = _Loop(100.0)
    assert world_rate(loop, 2.0) == pytest.approx(100, rel=0.05)  # a free machine: as asked
    assert loop.simulator.stats.slowed == 0

    loop.simulator.delay = 0.6  # the machine gets busy: at 100x a step is a world minute
    loop.run(3.0)
    assert loop.simulator.stats.slowed >= 1
    # Every step, the first late one included, within half a CloudWatch period of the last.
    assert max(loop.gaps()) <= MAX_WORLD_GAP, loop.gaps()

    loop.simulator.delay = 5.0  # a stall of five real seconds: the world waits for it
    before = loop.clock.now()
    loop.run(5.0)
    assert (loop.clock.now() - before).total_seconds() <= MAX_WORLD_GAP + 1
    assert max(loop.gaps()) <= MAX_WORLD_GAP, loop.gaps()

    loop.simulator.delay = 0.0  # the machine is free again: as fast as asked, no jump
    loop.run(0.5)  # (the stalled step's own time, held)
    assert world_rate(loop, 2.0) == pytest.approx(100, rel=0.05)
    assert max(loop.gaps()) <= MAX_WORLD_GAP, loop.gaps()


def test_a_jump_asked_for_is_not_held_back_and_a_stopped_world_runs_free() -> None:
    loop = _Loop(10.0)
    loop.run(1.0)
    before = loop.clock.now()
    loop.clock.advance(600)  # a drill skipping a bake
    assert (loop.clock.now() - before).total_seconds() == pytest.approx(600, abs=1)
    loop.simulator.stop()
    before = loop.clock.now()
    loop.real.t += 60  # nothing steps now: the clock is no longer held for it
    assert (loop.clock.now() - before).total_seconds() == pytest.approx(600, abs=1)


def test_while_a_person_decides_the_world_runs_at_real_time_then_as_fast_as_before() -> None:
    loop = _Loop(30.0)
    loop.run(1.5)
    assert loop.clock.speed == 30
    with loop.simulator.at_real_time():
        assert loop.clock.speed == 1
        before = loop.clock.now()
        loop.run(1.5)  # the loop goes on, its steps on time
        assert loop.clock.speed == 1
        assert (loop.clock.now() - before).total_seconds() == pytest.approx(1.5, abs=0.5)
    assert loop.clock.speed == 30
    # The loop was waiting for a step due at real time (5 world-s: 5 real s); at 30x again
    # that wait would be a hole of minutes, so leaving real time wakes it: it steps at once.
    assert loop.simulator._wake.is_set()
    loop.run(0.5)
    assert max(loop.gaps()) <= MAX_WORLD_GAP, loop.gaps()


def test_the_running_loop_steps_and_stops() -> None:
    """The thread around `turn`: it steps until stopped (no timing asserted)."""
    clock = ScaledClock(30.0)
    simulator = Simulator(None, None, WorldTime(clock), min_real_interval=0.01)  # type: ignore[arg-type]
    stepped = threading.Event()
    simulator.step = stepped.set  # type: ignore[method-assign]
    simulator.start()
    try:
        assert stepped.wait(30)
    finally:
        simulator.stop()


def test_a_world_slower_than_real_time_stays_as_slow_while_a_person_decides() -> None:
    clock = ScaledClock(0.5)
    simulator = _Slow(clock, _RealTime())
    with simulator.at_real_time():
        assert clock.speed == 0.5
    assert clock.speed == 0.5
