"""A world faster than the machine can simulate slows down instead of leaving holes in its
metrics, and speeds back up once it can keep up."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tui.clock import ScaledClock
from tui.rehearsal.simulator import SLOW_AT, Simulator, governed_speed


def test_the_speed_drops_in_proportion_to_how_far_behind_and_recovers_gradually() -> None:
    assert governed_speed(100, 100, 80) == 50  # 80 s apart: half as fast, the next 40 s apart
    assert governed_speed(100, 100, 30) == 100  # on time: as asked
    assert governed_speed(60, 100, 45) == 60  # a little late: held where it is
    assert governed_speed(2, 100, 600) == 1  # never slower than real time
    assert governed_speed(50, 100, 10) == 75  # on time again: half as fast again per step
    assert governed_speed(90, 100, 10) == 100  # and never faster than asked


class _Slow(Simulator):
    """The loop of the real simulator around a step that takes `delay` real seconds."""

    def __init__(self, clock: ScaledClock) -> None:
        super().__init__(None, None, clock, min_real_interval=0.01)  # type: ignore[arg-type]
        self.delay = 0.6
        self.starts: list = []

    def step(self) -> None:
        self.starts.append(self.clock.now())
        time.sleep(self.delay)
        self.stats.ticks += 1


@contextmanager
def _running(speed: float) -> Iterator[tuple[ScaledClock, _Slow]]:
    """A simulator looping at `speed`, its steps instant until a test slows them."""
    clock = ScaledClock(speed)
    simulator = _Slow(clock)
    simulator.delay = 0.0
    simulator.start()
    try:
        yield clock, simulator
    finally:
        simulator.stop()


def test_a_slow_machine_slows_the_world_so_no_step_is_far_behind_the_last() -> None:
    with _running(100.0) as (clock, simulator):
        time.sleep(2.5)
        assert clock.speed == 100  # started gently, then worked up to what was asked
        first = [(b - a).total_seconds() for a, b in itertools.pairwise(simulator.starts)]
        assert max(first) <= SLOW_AT, first

        simulator.delay = 0.6  # the machine gets busy: at 100x a step is a world minute
        time.sleep(3.0)
        assert simulator.stats.slowed >= 1 and clock.speed < 100
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(simulator.starts)]
        assert max(gaps[-3:]) <= SLOW_AT, gaps  # then it keeps up

        simulator.delay = 0.0  # the machine is free again
        time.sleep(2.0)
        assert clock.speed == 100


def test_while_a_person_decides_the_world_runs_at_real_time_then_as_fast_as_before() -> None:
    with _running(30.0) as (clock, simulator):
        time.sleep(1.5)
        assert clock.speed == 30
        with simulator.at_real_time():
            assert clock.speed == 1
            before = clock.now()
            time.sleep(1.5)  # the loop goes on, its steps on time: the governor would speed up
            assert clock.speed == 1
            assert 1.0 <= (clock.now() - before).total_seconds() <= 2.5
        assert clock.speed == 30
        # The loop was waiting for a step due at real time (5 world-s: 5 real s); at 30x again
        # that wait would be a hole of minutes, so it steps again at once.
        steps = len(simulator.starts)
        time.sleep(0.5)
        assert len(simulator.starts) > steps
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(simulator.starts)]
        assert max(gaps) <= SLOW_AT, gaps


def test_a_world_slower_than_real_time_stays_as_slow_while_a_person_decides() -> None:
    clock = ScaledClock(0.5)
    simulator = _Slow(clock)
    with simulator.at_real_time():
        assert clock.speed == 0.5
    assert clock.speed == 0.5
