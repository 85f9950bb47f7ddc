"""`f` in a rehearsal (issue 19): the footer offers it while a bake or a wait is under way,
and pressing it runs the rest of that wait with the world at its fastest, recorded in the
audit log; the world is back at the drill's speed once the wait is over."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import until
from tests.app.rehearsal_pilot import PATIENCE, ended, rehearse_in_app
from tests.app.screen_text import screen_text
from tui.audit.verify import verify
from tui.exitcodes import ExitCode
from tui.rehearsal.simulator import FAST_FORWARD_SPEED
from tui.rehearsal.world import World

SPEED = 60.0


@pytest.mark.slow
def test_f_fast_forwards_the_full_traffic_bake_and_the_log_says_so(
    tmp_path: Path, worlds: list[World]
) -> None:
    seen: dict[str, object] = {}

    async def trainee(pilot, app, world) -> None:
        def in_the_long_wait() -> bool:
            step = app.model.step("full-traffic-bake")
            return (
                step is not None
                and step.state.value == "running"
                and "f Fast-forward" in screen_text(app)
            )

        await until(pilot, in_the_long_wait, PATIENCE, "the 5-minute wait, with f offered")
        seen["before"] = world.clock.speed
        await pilot.press("f")
        await until(
            pilot, lambda: world.clock.speed == FAST_FORWARD_SPEED, 30, "the world at its fastest"
        )
        await until(pilot, lambda: ended(app), PATIENCE, "the end of the session")
        seen["after"] = world.clock.speed
        seen["end"] = screen_text(app)
        await pilot.press("q")

    result = rehearse_in_app(
        "alb-canary",
        "healthy",
        SPEED,
        tmp_path,
        trainee,
        worlds,
        auto_approve=True,
        overrides={"bake": "30s", "full_bake": "5m"},
    )
    assert result.outcome.code == ExitCode.COMPLETED
    assert seen["before"] == SPEED and seen["after"] == SPEED
    assert "f Fast-forward" not in str(seen["end"])  # nothing left to fast-forward
    log = next(tmp_path.glob("*/audit.jsonl"))
    verified = verify(log)
    assert verified.ok
    skipped = [r for r in verified.reading.records if r.type == "rehearsal.fast_forward"]
    assert len(skipped) == 1 and skipped[0].payload["step"] == "full-traffic-bake"
    assert 0 < skipped[0].payload["seconds_left"] <= 300
