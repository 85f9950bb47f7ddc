"""Resuming an interrupted session from its audit log without repeating a mutation."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY
from tests.engine.fakes import DriverScript, FakeOperator
from tui.audit.resume import resume_state
from tui.audit.session_log import SessionLog
from tui.engine import events
from tui.engine.options import SessionOptions
from tui.engine.ports import QuestionKind, StepState
from tui.engine.resuming import check_resumable
from tui.engine.session import Session
from tui.errors import InputError
from tui.runbook.loader import load_text


class Crash(BaseException):
    """The process dying (nothing in the engine catches a BaseException)."""


def crash_on_poll(cloud, step: str, poll: int) -> None:
    original = cloud.driver

    def driver(s):
        made = original(s)
        if s.id == step:
            real_poll = made.poll

            def poll_then_die():
                if made._polls + 1 == poll:
                    raise Crash
                return real_poll()

            made.poll = poll_then_die
        return made

    cloud.driver = driver


def resume(d, cloud, clock, operator=None):
    state = resume_state(d.dir)
    check_resumable(state, "0" * 64)
    log = SessionLog.resume(d.dir, clock, operator="bob")
    session = Session(
        load_text(CANARY),
        cloud,
        operator or FakeOperator(who="bob"),
        clock,
        log,
        SessionOptions(poll=10, runbook_sha256="0" * 64),
    )
    try:
        return session.resume(state), session
    finally:
        log.close()


def test_a_crash_mid_step_resumes_following_the_change_without_resending(drive, cloud, clock):
    crash_on_poll(cloud, "shift", 2)
    with pytest.raises(Crash):
        drive()
    assert cloud.calls.count(("start", "shift")) == 1
    cloud.driver = type(cloud).driver.__get__(cloud)  # the next process has no crash
    cloud.scripts["shift"] = DriverScript(found_started=True)
    d = last_drive(drive)
    code, session = resume(d, cloud, clock)
    assert code == 0
    starts = [s for what, s in cloud.calls if what == "start"]
    assert starts == ["backup", "shift", "dns"]  # nothing sent twice
    assert ("find_started", "shift") in cloud.calls
    done_before = [
        e
        for e in session.core.operator.events
        if isinstance(e, events.StepChanged) and e.message == "completed before the resume"
    ]
    # shown done (it ran), not skipped: the old code said "skipped"
    assert [(e.step, e.state) for e in done_before] == [("backup", StepState.DONE)]
    # the checklist and the shift's confirmation were answered before the crash
    assert session.core.operator.asked == []
    attempts = [
        r.payload["attempt"]
        for r in d.records
        if r.type == "step.start" and r.payload["step"] == "shift"
    ]
    assert attempts == [1, 2]
    assert [r.type for r in d.records][-1] == "session.end"


def test_when_aws_shows_no_change_the_step_runs_again(drive, cloud, clock):
    crash_on_poll(cloud, "shift", 1)
    with pytest.raises(Crash):
        drive()
    cloud.driver = type(cloud).driver.__get__(cloud)
    cloud.scripts["shift"] = DriverScript(found_started=False)
    d = last_drive(drive)
    code, session = resume(d, cloud, clock)
    assert code == 0
    assert [s for what, s in cloud.calls if what == "start"] == ["backup", "shift", "shift", "dns"]
    assert session.core.operator.kinds() == [QuestionKind.CONFIRM]  # asked again: nothing sent


def test_a_paused_session_resumes_and_an_ended_one_does_not(drive, cloud, clock, operator):
    operator.answers[QuestionKind.CONFIRM] = "no"
    d = drive()
    assert d.code == 130
    code, _ = resume(d, cloud, clock)
    assert code == 0
    assert [s for what, s in cloud.calls if what == "start"] == ["backup", "shift", "dns"]
    with pytest.raises(InputError, match="already ended"):
        check_resumable(resume_state(d.dir), "0" * 64)


def test_a_changed_runbook_is_refused(drive):
    d = drive()
    state = resume_state(d.dir)
    with pytest.raises(InputError, match="runbook changed"):
        check_resumable(state.__class__(**{**state.__dict__, "ended": False}), "f" * 64)


def test_a_crash_mid_rollback_finishes_the_rollback(drive, cloud, clock, operator):
    bad = {"on": False}
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if "shift" in cloud.changed and bad["on"] else 0.1
    original = cloud.driver

    def driver(step):
        made = original(step)
        if step.id == "shift":
            bad["on"] = True
            real_undo = made.undo

            def undo_then_die(captured):
                if not bad.get("died"):
                    bad["died"] = True
                    raise Crash
                return real_undo(captured)

            made.undo = undo_then_die
        return made

    cloud.driver = driver
    with pytest.raises(Crash):
        drive()
    d = last_drive(drive)
    state = resume_state(d.dir)
    assert state.rolling_back
    cloud.driver = original
    code, _ = resume(d, cloud, clock)
    assert code == 3
    assert ("undo", "shift") in cloud.calls and "shift" not in cloud.changed


def last_drive(drive):
    """The Drive of the session that crashed (rebuilt from its directory)."""
    from tests.conftest import Drive

    return Drive(0, None, None, None, None, drive.dirs[-1])  # type: ignore[arg-type]


def test_a_resumed_session_keeps_its_first_window(drive, cloud, clock, operator):
    """Paused an hour into a 90-minute window, resumed: 30 minutes are left, not 90 again."""
    from datetime import timedelta

    from tui.engine import questions

    text = CANARY.replace("checklist:", "window: 90m\nchecklist:")
    operator.answers[QuestionKind.CONFIRM] = [questions.NO]  # "not now": paused, resumable
    first_start = clock.now()
    d = drive(text)
    assert d.code == 130
    clock.advance(3600)
    state = resume_state(d.dir)
    log = SessionLog.resume(d.dir, clock, operator="bob")
    session = Session(
        load_text(text), cloud, FakeOperator(who="bob"), clock, log,
        SessionOptions(poll=10, runbook_sha256="0" * 64),
    )  # fmt: skip
    try:
        session.resume(state)
    finally:
        log.close()
    (started,) = [e for e in session.core.operator.events if isinstance(e, events.SessionStarted)]
    assert started.resumed
    # the old resume: now + 90 minutes
    assert started.window_ends_at is not None
    assert (
        abs((started.window_ends_at - (first_start + timedelta(minutes=90))).total_seconds()) < 60
    )
