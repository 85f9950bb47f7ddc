"""Leaving while a question is open: `q` on the question's modal opens the quit dialog, and
Pause takes the question down and ends the session resumably (exit 130). The old modal had no
`q`, and a pause asked for from behind it waited for an answer nobody would give. Also: `r`
is only ever "roll back", and a rehearsal never promises to be resumable."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.app.conftest import in_app, until
from tests.app.screen_text import screen_text
from tests.conftest import CANARY
from tui.app.question import choice_keys
from tui.app.screens.question import QuestionScreen
from tui.app.screens.quit import QuitScreen
from tui.audit.chain import read_log
from tui.engine import questions
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.runbook.loader import load_text


def test_q_then_pause_with_a_question_open_ends_the_session_resumably(
    tmp_path: Path, cloud
) -> None:
    async def drive(app) -> int | None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: _asked(app, QuestionKind.CHECKLIST), what="checklist")
            await pilot.press("y")  # its one item
            await until(pilot, lambda: _asked(app, QuestionKind.CONFIRM), what="the shift's y/n")
            await pilot.press("q")
            await until(pilot, lambda: isinstance(app.screen, QuitScreen), what="the quit dialog")
            assert "turnout resume" in screen_text(app)  # a real session stays resumable
            await pilot.press("p")
            await until(pilot, lambda: app.return_value is not None, what="the app to close")
        return app.return_value

    outcome = in_app(cloud, drive, sessions_dir=str(tmp_path))
    assert outcome.code == ExitCode.INTERRUPTED
    records = read_log(outcome.session_dir / "audit.jsonl").records
    answers = [r.payload["answer"] for r in records if r.type == "confirm.answer"]
    assert answers == ["withdrawn"]  # taken down by turnout, not answered by anyone
    assert ("start", "shift") not in cloud.calls


def _asked(app, kind: QuestionKind) -> bool:
    return isinstance(app.screen, QuestionScreen) and app.screen.question.kind is kind


def test_r_is_only_ever_roll_back() -> None:
    step = load_text(CANARY).step("shift")
    deadline = datetime(2026, 1, 1, tzinfo=UTC)
    for question in (
        questions.precondition(step, "", {}),  # "check again" took r here
        questions.confirm(step, ""),
        questions.breach("shift", "", deadline, {}),
        questions.interrupt("shift"),
        questions.step_failed("shift", "boom"),
    ):
        keys = choice_keys(question)
        assert keys.get("r") in (None, questions.ROLLBACK), (question.title, keys)


def test_a_rehearsal_never_promises_to_be_resumable() -> None:
    step = load_text(CANARY).step("shift")
    for question in (questions.confirm(step, ""), questions.interrupt("shift")):
        told = questions.for_rehearsal(question)
        text = " ".join([told.body, *(c.label for c in told.choices)])
        assert "resumable" not in text and "turnout resume" not in text
        assert "a rehearsal cannot be resumed" in text
        assert [c.key for c in told.choices] == [c.key for c in question.choices]
