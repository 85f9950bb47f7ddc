"""A world faster than the machine can simulate slows down instead of leaving holes in its
metrics, and speeds back up once it can keep up."""

from __future__ import annotations

import itertools
import time

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


def test_a_slow_machine_slows_the_world_so_no_step_is_far_behind_the_last() -> None:
    clock = ScaledClock(100.0)
    simulator = _Slow(clock)
    simulator.delay = 0.0
    simulator.start()
    try:
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
    finally:
        simulator.stop()
