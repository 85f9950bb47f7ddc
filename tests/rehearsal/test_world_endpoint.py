"""What a world says about itself at GET /turnout/world (tui/rehearsal/world_endpoint.py): its
clock and its front door, read by `turnout run`; nothing at all from an endpoint that is not a
world."""

from __future__ import annotations

import time
from datetime import datetime

from tui.clock import ManualClock
from tui.rehearsal.shared_clock import EXTRAPOLATE_AT_MOST
from tui.rehearsal.world import World
from tui.rehearsal.world_endpoint import endpoint_clock, read_about


def _near(reader: datetime, world: datetime) -> bool:
    # A reader runs on past its last reading by at most EXTRAPOLATE_AT_MOST real seconds.
    return 0 <= (reader - world).total_seconds() <= EXTRAPOLATE_AT_MOST


def test_a_world_publishes_its_clock_and_front_door_and_others_publish_nothing() -> None:
    with World(clock=ManualClock(), simulate=False) as world:
        assert world.endpoint_url is not None
        about = read_about(world.endpoint_url)
        assert about is not None
        assert about["http_hosts"] == world.http_hosts
        clock = endpoint_clock(world.endpoint_url, about)
        assert _near(clock.now(), world.clock.now())
        world.clock.advance(600)  # type: ignore[attr-defined]
        # Read again once the last reading is 50 ms old: wait for it, bounded far above need.
        deadline = time.monotonic() + 10
        while not _near(clock.now(), world.clock.now()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _near(clock.now(), world.clock.now())
    assert read_about("http://127.0.0.1:9") is None  # nothing listening: the wall clock
