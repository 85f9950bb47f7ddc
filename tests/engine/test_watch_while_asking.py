"""While a question waits for a person, the guardrails in force are still polled, recorded and
shown; a guardrail that trips while a less severe question waits takes that question down and
asks its own (issue: "never blind while a person decides").

The person here is a thread that moves the test's ManualClock one poll at a time while the
question is open and waits (on a condition, not a sleep) for the engine to poll each time."""

from __future__ import annotations

import threading
from typing import Any

from tests.engine.fakes import FakeOperator
from tui.engine import events, questions
from tui.engine.ports import Answer, Question, QuestionKind

POLL = 10  # the drive fixture's poll interval, engine seconds

TWO_STEPS = """
runbook: test-watch
title: Watched while asking
target: {account: "123456789012", region: us-east-1}
steps:
  - id: shift
    action: elbv2.set_weights
    with: {load_balancer: web-alb, weights: {web-blue: 90, web-green: 10}}
    guardrails:
      - name: error rate
        metric: {namespace: Test, name: ErrorRate, stat: Average}
        max: 1
        for: 2
        on_breach: rollback
        confirm_timeout: 5m
    bake: 2m
  - id: more
    action: elbv2.set_weights
    confirm: true
    with: {load_balancer: web-alb, weights: {web-blue: 50, web-green: 50}}
"""


class SlowPerson(FakeOperator):
    """Takes `thinking` engine-seconds over the question kinds in `slow`, moving the clock a
    poll at a time and waiting for the engine's poll after each; a withdrawal ends the wait."""

    def __init__(self, clock: Any, slow: dict[QuestionKind, tuple[float, str]], **kw: Any):
        super().__init__(**kw)
        self.clock, self.slow = clock, slow
        self.polled = threading.Condition()
        self.polls = 0
        self.withdrawn: list[Question] = []
        self._withdraw = threading.Event()
        self.on_ask: dict[QuestionKind, Any] = {}
        self.answered_hook: Any = lambda: None

    def notify(self, event: Any) -> None:
        super().notify(event)
        if isinstance(event, events.GuardrailsPolled):
            with self.polled:
                self.polls += 1
                self.polled.notify_all()

    def withdraw(self, question: Question) -> None:
        self.withdrawn.append(question)
        self._withdraw.set()

    def ask(self, question: Question) -> Answer:
        if question.kind not in self.slow:
            return super().ask(question)
        self.asked.append(question)
        if question.kind in self.on_ask:
            self.on_ask[question.kind]()
        thinking, choice = self.slow[question.kind]
        self._withdraw.clear()
        spent = 0.0
        while spent < thinking and not self._withdraw.is_set():
            with self.polled:
                before = self.polls
                self.clock.advance(POLL)
                spent += POLL
                # The engine polls once it sees the clock has moved a poll on (it looks 20 times
                # a second). The bound only keeps the person moving when the engine began its
                # wait after this advance (it then polls at the next) or never polls (the old
                # code); the assertions count polls, never time.
                self.polled.wait_for(
                    lambda b=before: self.polls > b or self._withdraw.is_set(), timeout=2
                )
        if self._withdraw.is_set():
            return Answer(questions.WITHDRAWN, "turnout")
        self.answered_hook()
        return Answer(choice, self.who, text=question.expected_text)


def _between(records: list, first: int, last: int, kind: str) -> list:
    return [r for r in records[first + 1 : last] if r.type == kind]


def test_a_breach_prompt_keeps_its_guardrails_polled_recorded_and_shown(
    drive, clock, cloud, tmp_path
) -> None:
    state = {"bad": True}  # bad from the start: the breach comes soon
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if state["bad"] else 0.1
    person = SlowPerson(clock, {QuestionKind.BREACH: (90.0, questions.ROLLBACK)})
    # Once the person has answered, the rollback heals green (the fake has no traffic model).
    person.answered_hook = lambda: state.update(bad=False)
    d = _drive_with(drive, person, TWO_STEPS)
    records = d.records
    prompt = next(
        i
        for i, r in enumerate(records)
        if r.type == "confirm.prompt" and r.payload["kind"] == "breach"
    )
    answer = next(i for i, r in enumerate(records) if i > prompt and r.type == "confirm.answer")
    evaluated = _between(records, prompt, answer, "guardrail.evaluated")
    assert len(evaluated) >= 5, [r.type for r in records[prompt:answer]]  # 90 s, a poll each 10
    assert all(e.payload["name"] == "error rate" for e in evaluated)
    # ... and shown: the front end got a reading for each of those polls.
    polled_while_asked = person.polls - 1  # the poll that raised the breach came before it
    assert polled_while_asked >= len(evaluated)
    assert records[answer].payload["answer"] == questions.ROLLBACK
    assert d.code == 3


def test_a_guardrail_that_trips_while_a_confirmation_waits_takes_it_down_and_asks_its_own(
    drive, clock, cloud
) -> None:
    state = {"bad": False}
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if state["bad"] else 0.1
    person = SlowPerson(
        clock,
        {QuestionKind.CONFIRM: (600.0, questions.YES)},
        # Rolling back heals green (the fake has no traffic model), so verification passes.
        answers={QuestionKind.BREACH: lambda q: state.update(bad=False) or questions.ROLLBACK},
    )
    # The previous step's green starts failing while the person reads the next confirmation.
    person.on_ask[QuestionKind.CONFIRM] = lambda: state.update(bad=True)
    d = _drive_with(drive, person, TWO_STEPS)
    assert [q.kind for q in person.withdrawn] == [QuestionKind.CONFIRM]
    kinds = person.kinds()
    assert kinds[kinds.index(QuestionKind.CONFIRM) + 1] is QuestionKind.BREACH
    answers = [r.payload for r in d.records if r.type == "confirm.answer"]
    assert [a["answer"] for a in answers] == [questions.WITHDRAWN, questions.ROLLBACK]
    start = next(r.payload for r in d.records if r.type == "rollback.start")
    assert start["trigger"] == "guardrail"
    assert "more" not in d.started()  # the step that waited was never started
    assert d.code == 3


def _drive_with(drive, person: SlowPerson, text: str):
    """The fixture's drive, with this test's operator in place of its careful person."""
    from tests import conftest

    original = conftest.FakeOperator
    try:
        return drive(text, before=lambda session: _swap(session, person))
    finally:
        conftest.FakeOperator = original


def _swap(session: Any, person: SlowPerson) -> None:
    session.core.operator = person
