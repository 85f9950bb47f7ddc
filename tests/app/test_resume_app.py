"""A session resumed in the app shows what happened before the resume: the checklist confirmed
then, and the steps completed then as done. The old app counted "checklist 0/1" (it knew only
the answers given on this run) and the engine called a step that ran an hour ago "skipped"."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.app.conftest import until
from tests.app.screen_text import screen_text
from tests.conftest import CANARY, START
from tests.engine.fakes import FakeCloud, FakeOperator
from tui.app.screens.question import QuestionScreen
from tui.audit.resume import resume_state
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine import questions
from tui.engine.options import SessionOptions
from tui.engine.ports import QuestionKind
from tui.engine.session import Session
from tui.exitcodes import ExitCode
from tui.runbook.loader import load_text


def _cloud() -> FakeCloud:
    cloud = FakeCloud()
    cloud.reads["healthy_targets"] = 2
    cloud.metrics["ErrorRate"] = lambda t: 0.1
    return cloud


def test_a_resumed_session_shows_the_checklist_and_the_steps_done_before(tmp_path: Path) -> None:
    runbook, clock = load_text(CANARY), ManualClock(START)
    options = SessionOptions(poll=10, runbook_sha256="0" * 64)
    # The first run: the checklist confirmed, the backup made, the shift answered "not now".
    log = SessionLog.create(tmp_path, clock, operator="alice")
    first = FakeOperator(answers={QuestionKind.CONFIRM: [questions.NO]})
    assert Session(runbook, _cloud(), first, clock, log, options).run() == ExitCode.INTERRUPTED
    log.close()
    sidebar: list[str] = []

    async def drive(app) -> int | None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, QuestionScreen)
                    and app.screen.question.kind is QuestionKind.CONFIRM
                ),
                what="the shift's confirmation, asked again",
            )
            await until(pilot, lambda: "1/1" in screen_text(app), what="the checklist count")
            sidebar.append(screen_text(app))
            await pilot.press("n")  # not now: still resumable
            await until(pilot, lambda: app.model.ended is not None, what="the end")
            await pilot.press("q")
        return app.return_value

    request = SessionRequest(
        runbook,
        clock,
        lambda recorder: _cloud(),
        options,
        front="app",
        resume=resume_state(tmp_path / "audit.jsonl"),
        run_app=lambda app: asyncio.run(drive(app)),
    )
    outcome = open_session(request)
    assert outcome.code == ExitCode.INTERRUPTED
    (screen,) = sidebar
    assert "checklist  1/1" in screen, screen
    assert "backup  done" in screen, screen
    assert "skipped" not in screen, screen
