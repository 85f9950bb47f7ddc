"""The app paints no secret (issue 14): the attack runbook (tests/attack_runbook.py) rehearsed
in the real app, driven with keys. Each question's screen, the step list and the saved SVG
screenshots show `••••••` where the secrets were; the alarm still reaches AWS with them."""

from __future__ import annotations

import pytest

from tests.app.conftest import until
from tests.app.rehearsal_pilot import asked, confirm_checklist, rehearse_in_app
from tests.app.screen_text import screen_text
from tests.attack_runbook import leaks, secrets, write_attack_runbook
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.runbook.secrets import MASK

pytestmark = pytest.mark.slow


def test_the_app_shows_secrets_masked_and_still_sends_them(tmp_path, worlds) -> None:
    values = secrets()
    path = write_attack_runbook(tmp_path)
    screens: dict[str, str] = {}

    async def person(pilot, app, world) -> None:
        await until(pilot, lambda: asked(app, QuestionKind.CHECKLIST, "Checklist 1 of"), 30)
        screens["checklist"] = screen_text(app)
        await confirm_checklist(pilot, app)
        await until(pilot, lambda: asked(app, QuestionKind.CONFIRM, "Run step alarm"), 30)
        screens["alarm"] = screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: asked(app, QuestionKind.CONFIRM, "Run step canary"), 60)
        screens["canary"] = screen_text(app)
        await pilot.press("n")  # not now: the session stops, resumable
        await until(pilot, lambda: app.model.ended is not None, 30, "the session's end")
        screens["end"] = screen_text(app)
        await pilot.press("q")

    result = rehearse_in_app(
        str(path), "healthy", 30.0, tmp_path / "sessions", person, worlds, overrides=values
    )
    assert result.outcome.code == ExitCode.INTERRUPTED
    assert f"The database answers to {MASK}" in screens["checklist"]
    assert f"Alarm paging {MASK}" in screens["alarm"]
    (alarm,) = result.world.clients.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert (
        alarm["AlarmDescription"] == f"paged with {values['db_password']} via {values['api_token']}"
    )
    assert list((result.outcome.session_dir / "screens").glob("*.svg"))  # searched below
    assert leaks(values, screens, tmp_path / "sessions") == []
