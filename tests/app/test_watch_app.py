"""`turnout watch`: the session screen following a log as it is written, read-only.

The log is a recorded session's, written out again line by line (tests/app/growing_log.py), so
each test decides when every record lands, half a line at a time where it matters."""

from __future__ import annotations

import os
from pathlib import Path

from tests.app.conftest import START, run, until
from tests.app.growing_log import GrowingLog, record_canary
from tests.app.screen_text import screen_text
from tui.app.follow import LogFollower
from tui.app.watch import WatchApp, WatchedQuestionScreen
from tui.audit.lock import SessionLock
from tui.engine.ports import StepState

# Every key of the live screen, the replay's and the question modal's: none may reach the
# session (`c` and `v`/Escape only show and hide the question; `q` is pressed last, to leave).
EVERY_KEY = ["y", "enter", "n", "r", "p", "h", "escape", "c", "space", "plus", "minus", "t", "t"]


def _state(tmp_path: Path) -> dict[str, bytes]:
    """Every file of the watched session directory and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}


def _watching(tmp_path: Path) -> tuple[WatchApp, GrowingLog, Path]:
    source, watched = tmp_path / "recorded", tmp_path / "watched"
    source.mkdir()
    watched.mkdir()
    rb = record_canary(source)
    app = WatchApp(LogFollower(watched, poll_s=0.05), runbook=rb, who="bob")
    return app, GrowingLog(source, watched), watched


def test_the_screen_follows_the_log_as_it_grows_and_no_key_changes_anything(tmp_path) -> None:
    app, log, watched = _watching(tmp_path)
    canary = log.index("step.start", step="canary")
    breach = log.index("confirm.prompt", kind="breach")

    async def body() -> None:
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await until(pilot, lambda: "waiting for the session" in screen_text(app))
            assert "READ-ONLY" in screen_text(app)

            # The canary starts; the next record is half written (a write in progress).
            log.through(canary, half_of_next=True)
            await until(pilot, lambda: app.model.step("canary").state is StepState.RUNNING)
            await pilot.pause(0.3)  # several polls: the half line is held back, not misread
            assert app.follower.records_read == canary + 1
            text = screen_text(app)
            assert "READ-ONLY" in text and "canary" in text

            # The guardrail breaches and the operator is asked: the observer sees the question.
            log.through(breach)
            await until(pilot, lambda: app.pending is not None and app.pending.question.step)
            await until(pilot, lambda: isinstance(app.screen, WatchedQuestionScreen))
            await until(pilot, lambda: "GUARDRAIL BREACHED" in screen_text(app))
            text = screen_text(app)
            assert "WAITING FOR THE OPERATOR" in text
            assert "6.00" in text  # the guardrail's value, as the operator sees it
            asked = app.pending
            before = _state(watched)
            for key in EVERY_KEY:
                await pilot.press(key)
            await pilot.press("v")  # the question put away, to read what the screen says
            app.request_pause()  # the live screen's requests, called directly: refused too
            app.confirm_rollback()
            app.ask_note(None)
            await pilot.pause(0.3)
            assert not asked.settled
            assert app.control is None  # no session to send anything to
            assert _state(watched) == before  # nothing written, no lock file taken
            await until(pilot, lambda: "nothing to roll back" in screen_text(app))

            # The operator's answer and the rollback land: the screen follows to the end.
            log.rest()
            await until(pilot, lambda: app.model.ended is not None)
            await until(pilot, lambda: "SESSION ENDED: rolled back (exit 3)" in screen_text(app))
            assert "READ-ONLY" in screen_text(app)
            assert asked.settled and asked.settlement.answer.choice == "rollback"
            assert list(_state(watched)) == ["audit.jsonl"]
            # The watcher holds no lock: a writer could take it now.
            lock, _ = SessionLock.acquire(watched)
            lock.release()
            await pilot.press("q")

    run(body)


def test_a_watcher_that_comes_late_sees_the_question_still_waiting(tmp_path) -> None:
    """What was asked and answered before the watcher came is drawn, not replayed: only the
    question still waiting opens."""
    app, log, watched = _watching(tmp_path)
    log.through(log.index("confirm.prompt", kind="breach"))

    async def body() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WatchedQuestionScreen))
            await until(pilot, lambda: "WAITING FOR THE OPERATOR" in screen_text(app))
            assert len(app.question_screens()) == 1
            assert app.model.step("canary").state is StepState.WAITING
            await pilot.press("v")  # look behind: the guardrails while the question waits
            await until(pilot, lambda: not app.question_screens())
            text = screen_text(app)
            assert "green 5xx rate" in text and "READ-ONLY" in text
            await pilot.press("c")  # and back
            await until(pilot, lambda: len(app.question_screens()) == 1)
            await pilot.press("q")

    run(body)
    assert os.listdir(watched) == ["audit.jsonl"]


def test_a_paused_session_resumed_in_the_same_log_is_followed_on(tmp_path) -> None:
    """`turnout resume` writes on in the same log: the end the watcher showed was a pause."""
    from tests.session_logs import started_log
    from tui.audit.session_log import SessionLog
    from tui.clock import ManualClock

    clock = ManualClock(START)
    log = started_log(tmp_path, clock, "alice")
    log.session_end(130, reason="paused by the operator")
    log.close()
    app = WatchApp(LogFollower(tmp_path, poll_s=0.05), who="bob")

    async def body() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: "SESSION ENDED" in screen_text(app))
            assert "a resume shows here" in screen_text(app)
            resumed = SessionLog.resume(tmp_path, clock, operator="alice")
            resumed.note("carrying on after the pause")
            await until(pilot, lambda: app.model.ended is None)
            await until(pilot, lambda: "SESSION ENDED" not in screen_text(app))
            resumed.session_end(0, reason="every step completed")
            resumed.close()
            await until(pilot, lambda: "SESSION ENDED: completed" in screen_text(app))
            await pilot.press("q")

    run(body)


def test_a_record_that_does_not_verify_stops_the_watch_and_says_so(tmp_path) -> None:
    app, log, _ = _watching(tmp_path)
    canary = log.index("step.start", step="canary")
    log.through(canary)
    log.lines[canary + 1] = log.lines[canary + 1].replace(b"canary", b"canarY", 1)

    async def body() -> None:
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await until(pilot, lambda: app.model.step("canary").state is StepState.RUNNING)
            log.rest()
            await until(pilot, lambda: "stopped verifying" in screen_text(app))
            assert app.model.ended is None  # nothing after the bad line is believed
            await pilot.press("q")

    run(body)


def test_an_answer_and_the_next_question_read_together_leave_one_modal(tmp_path) -> None:
    """The operator answers and the engine asks again between two polls: the answered
    question's modal is gone before the next one opens (a dismissal takes a moment: pushed
    meanwhile, the next modal was stacked over the old one and the screen stopped moving)."""
    app, log, _ = _watching(tmp_path)
    log.through(log.index("confirm.prompt", kind="confirm"))

    async def body() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: "Confirm the next step" in screen_text(app))
            log.through(log.index("confirm.prompt", kind="breach"))  # its answer, then a breach
            await until(pilot, lambda: "GUARDRAIL BREACHED" in screen_text(app))
            await pilot.pause(0.3)
            assert [str(s.pending.question.kind) for s in app.question_screens()] == ["breach"]
            log.rest()
            await until(pilot, lambda: "SESSION ENDED: rolled back" in screen_text(app))
            assert not app.question_screens()
            await pilot.press("q")

    run(body)
