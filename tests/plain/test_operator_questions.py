"""The plain operator's questions, driven through pipe input as a person would answer them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.keys import DOWN, ENTER
from tests.plain.conftest import Terminal
from tui.clock import ManualClock
from tui.engine.ports import Answer, Choice, Question, QuestionKind
from tui.plain.operator import PlainOperator

BREACH = Question(
    kind=QuestionKind.BREACH,
    title="Guardrail target 5xx rate breached: roll back?",
    body="target 5xx rate is 4.2 (max 1) for 3 of 3 datapoints.",
    choices=(
        Choice("rollback", "Roll back now"),
        Choice("override", "Keep going (type why)", needs_reason=True),
    ),
    step="refresh",
    default="rollback",
)


def pick(operator: PlainOperator, terminal: Terminal, question: Question, key: str) -> None:
    """Choose `key` the way each mode takes it: arrow keys from the default, or its number."""
    keys = [c.key for c in question.choices]
    if operator.line_mode:
        terminal.type(f"{keys.index(key) + 1}{ENTER}")
    else:
        start = keys.index(question.default) if question.default in keys else 0
        terminal.type(DOWN * ((keys.index(key) - start) % len(keys)) + ENTER)


def test_checklist_item_confirmed_with_y(operator: PlainOperator, terminal: Terminal) -> None:
    terminal.type(f"y{ENTER}")
    question = Question(QuestionKind.CHECKLIST, "Old and new versions serve side by side")
    assert operator.ask(question) == Answer("yes", who="alice")
    assert "QUESTION (checklist): Old and new versions serve side by side" in terminal.text
    assert "ANSWER: yes (Yes) by alice" in terminal.text


def test_y_then_enter_answers_one_question_not_the_next(
    operator: PlainOperator, terminal: Terminal
) -> None:
    """A person types y and Enter for each checklist item. The old prompt took the bare y at
    once, and the Enter answered the next item with its default: "not confirmed", a refusal."""
    terminal.type(f"y{ENTER}y{ENTER}")
    first = Question(QuestionKind.CHECKLIST, "Old and new versions serve side by side")
    second = Question(QuestionKind.CHECKLIST, "Sessions live in the shared store")
    assert operator.ask(first).choice == "yes"
    assert operator.ask(second).choice == "yes"


def test_confirm_declined_and_an_idle_enter_declines(
    operator: PlainOperator, terminal: Terminal
) -> None:
    question = Question(QuestionKind.CONFIRM, "Start the instance refresh?", step="refresh")
    terminal.type(f"n{ENTER}")
    assert operator.ask(question).choice == "no"
    terminal.type(ENTER)  # no default given: Enter must not start a mutation
    assert operator.ask(question).choice == "no"


def test_typed_confirmation_refuses_a_wrong_phrase_then_takes_the_right_one(
    operator: PlainOperator, terminal: Terminal
) -> None:
    question = Question(
        QuestionKind.TYPED,
        "Switch orders-db over to green",
        body="There is **no undo** after the switchover completes.",
        step="switchover",
        expected_text="switch over orders-bgd",
    )
    terminal.type(f"switch over orders{ENTER}switch over orders-bgd{ENTER}")
    answer = operator.ask(question)
    assert answer == Answer("yes", who="alice", text="switch over orders-bgd")
    assert '"switch over orders" does not match `switch over orders-bgd`' in terminal.text
    assert "To go ahead, type exactly: switch over orders-bgd" in terminal.text


def test_typed_confirmation_left_empty_declines(
    operator: PlainOperator, terminal: Terminal
) -> None:
    terminal.type(ENTER)
    question = Question(QuestionKind.TYPED, "Switch over", expected_text="switch over x")
    assert operator.ask(question).choice == "no"


def test_override_asks_why_and_will_not_take_an_empty_reason(
    operator: PlainOperator, terminal: Terminal
) -> None:
    pick(operator, terminal, BREACH, "override")
    terminal.type(f"{ENTER}load test from the perf team, agreed with SRE{ENTER}")
    answer = operator.ask(BREACH)
    assert answer.choice == "override"
    assert answer.text == "load test from the perf team, agreed with SRE"
    assert not answer.timed_out
    assert "A reason is required" in terminal.text
    assert 'reason: "load test from the perf team, agreed with SRE"' in terminal.text


def test_a_question_shows_every_choice_the_default_and_the_evidence(
    operator: PlainOperator, terminal: Terminal
) -> None:
    pick(operator, terminal, BREACH, "rollback")
    assert operator.ask(BREACH).choice == "rollback"
    text = terminal.text
    assert "1. rollback: Roll back now (default)" in text
    assert "2. override: Keep going (type why) (asks why)" in text
    assert "target 5xx rate is 4.2 (max 1) for 3 of 3 datapoints." in text


def test_breach_with_no_answer_rolls_back_at_its_deadline(
    operator: PlainOperator, terminal: Terminal, clock: ManualClock
) -> None:
    question = Question(**{**BREACH.__dict__, "deadline": clock.now() + timedelta(minutes=5)})
    answers: list[Answer] = []
    asking = threading.Thread(target=lambda: answers.append(operator.ask(question)))
    asking.start()
    _wait_for(lambda: "\n? " in terminal.text)  # the prompt is up
    clock.advance(250)  # 50 s left: one countdown line, printed above the prompt
    _wait_for(lambda: "50s left to answer" in terminal.text)
    assert asking.is_alive(), "the question must wait for its deadline"
    clock.advance(60)
    asking.join(timeout=5)
    assert answers == [Answer("rollback", who="timeout", timed_out=True)]
    assert "No answer by 00:05:00 UTC (in 5m00s) takes the default: rollback" in terminal.text
    assert "NO ANSWER in time: took the default, rollback (Roll back now)" in terminal.text


def test_an_answer_before_the_deadline_wins(
    operator: PlainOperator, terminal: Terminal, clock: ManualClock
) -> None:
    question = Question(**{**BREACH.__dict__, "deadline": clock.now() + timedelta(minutes=5)})
    pick(operator, terminal, question, "override")
    terminal.type(f"known noisy canary{ENTER}")
    answer = operator.ask(question)
    assert (answer.choice, answer.text, answer.timed_out) == (
        "override",
        "known noisy canary",
        False,
    )


def test_line_mode_rejects_what_is_not_a_choice(terminal: Terminal, clock: ManualClock) -> None:
    from tui.plain.front_end import make_plain_operator

    operator = make_plain_operator(
        terminal.console,
        clock=clock,
        input=terminal.input,
        output=terminal.output,
        who="bo",
        line_mode=True,
    )
    terminal.type(f"maybe{ENTER}{ENTER}")  # nonsense, then Enter for the default
    assert operator.ask(BREACH).choice == "rollback"
    assert '"maybe" is not one of the choices' in terminal.text


def test_input_that_ends_stops_as_an_interrupt(operator: PlainOperator, terminal: Terminal) -> None:
    terminal.input.close()  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        operator.ask(Question(QuestionKind.CONFIRM, "Go?"))


def _wait_for(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Poll (wall time) until the prompt thread has printed what the test waits for."""
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the prompt")
        time.sleep(0.01)
