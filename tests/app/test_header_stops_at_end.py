"""Once the session has ended, the header's window countdown and elapsed time stop where the
session ended. Before, they counted on over the summary: an operator reading the end screen
ten minutes later saw "elapsed 33m" for a session of 23 minutes."""

from __future__ import annotations

import asyncio

from tests.app import states
from tui.app.widgets.header import SessionHeader


def test_the_header_stops_counting_when_the_session_ends(tmp_path) -> None:
    app, run_before = states.build_app(states.rolled_back(), tmp_path)

    async def drive() -> tuple[str, str]:
        async with app.run_test(size=(160, 40)) as pilot:
            await run_before(pilot)
            ended = str(app.query_one(SessionHeader).render())
            app.clock.advance(600)  # ten minutes on the session's clock, reading the summary
            app.tick()
            await pilot.pause()
            return ended, str(app.query_one(SessionHeader).render())

    at_end, later = asyncio.run(drive())
    assert "elapsed 23:17" in at_end, at_end
    assert later == at_end
