"""WorldTime: the world's clock as the extensions are given it, and the time of a catch-up event."""

from __future__ import annotations

from datetime import timedelta

from tui.clock import ManualClock
from tui.rehearsal.fidelity.world_time import WorldTime


def test_event_time_is_the_clock_outside_a_catch_up_and_the_event_inside() -> None:
    clock = ManualClock()
    time = WorldTime(clock)
    earlier = clock.now() - timedelta(minutes=10)
    assert time.event_now() == clock.now()
    with time.at(earlier):
        assert time.event_now() == earlier
        assert time.now() == clock.now()  # the world's own time does not move back
    assert time.event_now() == clock.now()


def test_a_bound_function_is_a_method_that_reads_this_time() -> None:
    time = WorldTime(ManualClock())

    def answer(given: WorldTime, self: object, suffix: str) -> tuple[WorldTime, object, str]:
        return given, self, suffix

    class Response:
        handler = time.bound(answer)

    response = Response()
    assert response.handler("!") == (time, response, "!")
