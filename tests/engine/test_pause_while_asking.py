"""A pause asked for while a question waits (the app's `q` then Pause, SIGTERM, SIGHUP) takes
the question down and ends the session resumably, exit 130; the question is asked again on
resume. The old engine only looked for a pause between steps and polls: with a question open
it waited for an answer nobody would give, and the app said "leaving as soon as the engine
stops" for ever."""

from __future__ import annotations

import threading

import pytest

from tests.engine.fakes import FakeOperator
from tui.audit.resume import resume_state
from tui.engine.ports import Answer, Question, QuestionKind
from tui.engine.resuming import check_resumable


class Waiting(FakeOperator):
    """Answers the checklist; at `kind` waits until the question is withdrawn."""

    def __init__(self, kind: QuestionKind) -> None:
        super().__init__()
        self.kind = kind
        self.waiting = threading.Event()
        self.withdrawn: list[Question] = []
        self._taken_down = threading.Event()

    def ask(self, question: Question) -> Answer:
        if question.kind is not self.kind:
            return super().ask(question)
        self.asked.append(question)
        self.waiting.set()
        assert self._taken_down.wait(60), "never taken down"
        return Answer("withdrawn", "turnout")

    def withdraw(self, question: Question) -> None:
        self.withdrawn.append(question)
        self._taken_down.set()


@pytest.fixture(params=[QuestionKind.CONFIRM, QuestionKind.CHECKLIST], ids=["confirm", "checklist"])
def operator(request) -> Waiting:
    """The session's operator (tests/conftest.py's `drive` asks through it)."""
    return Waiting(request.param)


def test_a_pause_while_a_question_waits_ends_the_session_resumably(drive, operator) -> None:
    kind = operator.kind

    def pause_once_asked(session) -> None:
        def later() -> None:
            assert operator.waiting.wait(60)
            session.request_pause("paused by SIGTERM (asked to stop)")

        threading.Thread(target=later, daemon=True).start()

    d = drive(before=pause_once_asked)
    assert d.code == 130
    assert [q.kind for q in operator.withdrawn] == [kind]
    end = d.of("session.end")[0]
    assert end["reason"] == "paused by SIGTERM (asked to stop)"
    state = resume_state(d.dir)
    check_resumable(state, None)
    if kind is QuestionKind.CONFIRM:  # recorded as taken down by turnout, nobody's answer
        assert d.of("confirm.answer")[-1]["answer"] == "withdrawn"
        assert d.started() == ["backup"]  # the shift never started
    else:
        assert d.of("checklist.answer") == [] and d.started() == []
