"""`--auto-approve` in the app (issue 14): the session runs to its end without a key, and the
screen still says what was approved on the operator's behalf."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import START, run, runbook, until
from tests.app.rehearsal_pilot import ended, rehearse_in_app
from tests.app.screen_text import screen_text
from tests.app.scripted import ScriptedSession
from tui.app.app import TurnoutApp
from tui.app.screens.question import QuestionScreen
from tui.clock import ManualClock
from tui.engine.auto_approve import AutoApproving
from tui.exitcodes import ExitCode
from tui.rehearsal.world import World

WHO = "turnout --auto-approve (alice)"


def test_the_app_reaches_the_end_without_a_key_and_shows_what_was_approved(
    tmp_path: Path,
) -> None:
    clock, rb = ManualClock(START), runbook("alb-canary")
    sessions: list[ScriptedSession] = []

    def make(operator):
        sessions.append(ScriptedSession(rb, AutoApproving(operator, who=WHO), clock, tmp_path))
        return sessions[0]

    app = TurnoutApp(rb, clock, tmp_path, make_session=make, who="alice")
    modals: list[str] = []

    async def body() -> None:
        async with app.run_test(size=(160, 48)) as pilot:

            def over() -> bool:
                if isinstance(app.screen, QuestionScreen):
                    modals.append(app.screen.question.title)
                return app.model.ended is not None and "SESSION ENDED" in screen_text(app)

            await until(pilot, over, 10, "the end, with no key pressed")
            text = screen_text(app)
            assert "SESSION ENDED: completed (exit 0)" in text
            assert "✓ checklist  3/3 confirmed" in text
            await pilot.press("q")

    run(body)
    assert modals == []  # nothing waited for a person
    assert [a.who for _, a in sessions[0].answers] == [WHO] * 4
    notes = [n.text for n in app.model.notices]
    assert f"auto-approved: Checklist 1 of 3 ({WHO})" in notes
    assert f"auto-approved: Run canary? ({WHO})" in notes


@pytest.mark.slow
def test_a_rehearsal_in_the_app_with_auto_approve_runs_to_the_end(
    tmp_path: Path, worlds: list[World]
) -> None:
    """`open_session` in the app with `auto_approve=True`, the real engine and world: no key
    until the end; the audit tail shows who approved."""
    seen: dict[str, str] = {}

    async def nobody(pilot, app, world) -> None:
        await until(pilot, lambda: ended(app), 240, "the end of the session")
        # The end summary, on screen: what AWS shows now, read back, and the log's last hash.
        await until(pilot, lambda: "sha256:" in screen_text(app), 30, "the end summary")
        seen["end"] = screen_text(app)
        await pilot.press("q")

    # Bakes of 30 s, not 5 and 10 min: every question is still asked, in a fraction of the time.
    result = rehearse_in_app(
        "alb-canary",
        "healthy",
        100.0,
        tmp_path,
        nobody,
        worlds,
        auto_approve=True,
        overrides={"bake": "30s", "full_bake": "30s"},
    )
    assert result.outcome.code == ExitCode.COMPLETED
    assert "SESSION ENDED: completed (exit 0)" in seen["end"]
    assert "web-alb:80 forwards web-blue 0, web-green 100" in seen["end"]
