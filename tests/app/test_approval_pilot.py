"""Four-eyes in the real app (tests/app/rehearsal_pilot.py wiring, the world on moto): the
confirmation says others must approve, the status line waits with the command to run, another
person's decision (delivered as `turnout approve` delivers it) lets the step go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import until
from tests.app.rehearsal_pilot import PATIENCE, asked, ended, rehearse_in_app
from tests.app.screen_text import screen_text
from tests.engine.approving import BOB
from tui.audit.approval_inbox import APPROVE, deliver, waiting_requests
from tui.audit.chain import read_log, require_intact
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.rehearsal.world import World

pytestmark = pytest.mark.slow

RUNBOOK = """
runbook: four-eyes
title: Four eyes in the app
target: {account: "123456789012", region: us-east-1}
steps:
  - id: go
    action: wait
    with: {duration: 10s}
    approvals: {required: 1, timeout: 30m}
"""


def test_the_app_waits_for_another_persons_approval_then_goes_on(
    tmp_path: Path, worlds: list[World]
) -> None:
    path = tmp_path / "four-eyes.yaml"
    path.write_text(RUNBOOK)
    sessions = tmp_path / "sessions"
    seen: dict[str, str] = {}

    async def person(pilot, app, world) -> None:
        await until(pilot, lambda: asked(app, QuestionKind.CONFIRM), PATIENCE, "the confirmation")
        seen["asked"] = screen_text(app)
        await pilot.press("y")
        waiting = "WAITING FOR ANOTHER PERSON'S APPROVAL"
        await until(pilot, lambda: waiting in screen_text(app), PATIENCE, "the approval's wait")
        seen["waiting"] = screen_text(app)
        [session] = list(sessions.glob("*-four-eyes"))
        [request] = waiting_requests(session)
        deliver(session, request, APPROVE, "looks fine", BOB)  # Bob, from his terminal
        await until(pilot, lambda: ended(app), PATIENCE, "the end of the session")
        seen["end"] = screen_text(app)
        await pilot.press("q")

    result = rehearse_in_app(str(path), "healthy", 10.0, sessions, person, worlds, size=(160, 48))
    assert result.outcome.code == ExitCode.COMPLETED, seen.get("end")
    assert "must approve with turnout approve" in seen["asked"].replace("`", "")
    assert "turnout approve" in seen["waiting"] and "--step go" in seen["waiting"]
    assert "approved by bob" in seen["end"]
    reading = read_log(result.outcome.session_dir)
    require_intact(reading)
    assert [r.type for r in reading.records].count("approval.given") == 1
