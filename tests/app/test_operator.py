"""`TextualOperator` on its own: notify never blocks, ask waits for the app's answer, takes the
default itself when the app cannot at the deadline, and takes the cautious choice when the app
closes; the key rules of the question modal."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from tests.app.conftest import START
from tui.app import operator as operator_module
from tui.app.messages import EngineEvent, QuestionAsked, QuestionSettled
from tui.app.operator import TextualOperator
from tui.app.question import choice_keys, enter_choice, escape_choice
from tui.aws.protocol import Progress
from tui.clock import ManualClock
from tui.engine.events import GuardrailsPolled, StepProgress
from tui.engine.ports import Answer, Choice, Question, QuestionKind


class Inbox:
    """Collects what the operator posts (the app's message queue, minus the app)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.asked = threading.Event()

    def post_message(self, message: Any) -> bool:
        self.messages.append(message)
        if isinstance(message, QuestionAsked):
            self.asked.set()
        return True


def _ask_in_thread(op: TextualOperator, question: Question) -> dict[str, Answer]:
    out: dict[str, Answer] = {}
    thread = threading.Thread(target=lambda: out.setdefault("answer", op.ask(question)))
    thread.start()
    out["thread"] = thread  # type: ignore[assignment]
    return out


def test_ask_waits_for_the_answer_and_saves_the_screen(tmp_path) -> None:
    inbox, clock = Inbox(), ManualClock(START)
    op = TextualOperator(inbox, clock, tmp_path)
    out = _ask_in_thread(op, Question(QuestionKind.CONFIRM, "Go?", step="canary"))
    assert inbox.asked.wait(30)
    time.sleep(0.2)
    assert "answer" not in out  # still waiting: nobody answered
    pending = inbox.messages[-1].pending
    assert pending.settle(Answer("yes", "alice"), "<svg>seen</svg>")
    assert not pending.settle(Answer("no", "bob"))  # the first answer wins
    out["thread"].join(30)  # type: ignore[attr-defined]
    answer = out["answer"]
    assert (answer.choice, answer.who, answer.timed_out) == ("yes", "alice", False)
    assert (tmp_path / answer.screenshot).read_text() == "<svg>seen</svg>"
    assert isinstance(inbox.messages[-1], QuestionSettled)


def test_deadline_passes_without_the_app_default_is_taken(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(operator_module, "DEADLINE_GRACE_S", 0.2)
    inbox, clock = Inbox(), ManualClock(START)
    op = TextualOperator(inbox, clock, tmp_path)
    question = Question(
        QuestionKind.BREACH,
        "roll back?",
        choices=(Choice("rollback", "Roll back"), Choice("override", "Keep going")),
        default="rollback",
        deadline=START + timedelta(seconds=120),
    )
    out = _ask_in_thread(op, question)
    assert inbox.asked.wait(30)
    clock.advance(119)
    time.sleep(0.5)
    assert "answer" not in out  # a second left on the engine's clock
    clock.advance(2)
    out["thread"].join(30)  # type: ignore[attr-defined]
    answer = out["answer"]
    assert (answer.choice, answer.timed_out, answer.who) == ("rollback", True, "turnout")


def test_closing_the_app_takes_the_cautious_choice(tmp_path) -> None:
    inbox, clock = Inbox(), ManualClock(START)
    op = TextualOperator(inbox, clock, tmp_path)
    question = Question(
        QuestionKind.INTERRUPT,
        "Interrupted",
        choices=(
            Choice("rollback", "Roll back"),
            Choice("pause", "Pause"),
            Choice("continue", "Go"),
        ),
    )
    out = _ask_in_thread(op, question)
    assert inbox.asked.wait(30)
    op.close()
    out["thread"].join(30)  # type: ignore[attr-defined]
    assert out["answer"].choice == "pause"


def test_bursts_of_polls_replace_each_other_per_step() -> None:
    first = EngineEvent(GuardrailsPolled("canary", START))
    later = EngineEvent(GuardrailsPolled("canary", START + timedelta(seconds=10)))
    other = EngineEvent(GuardrailsPolled("refresh", START))
    progress = EngineEvent(StepProgress("canary", Progress("running")))
    assert first.can_replace(later)
    assert not first.can_replace(other)
    assert not first.can_replace(progress)
    assert progress.can_replace(EngineEvent(StepProgress("canary", Progress("done"))))


def test_keys_for_the_engines_choices() -> None:
    confirm = Question(
        QuestionKind.CONFIRM,
        "Run?",
        choices=(Choice("yes", "Go ahead"), Choice("no", "Not now"), Choice("rollback", "Back")),
    )
    assert choice_keys(confirm) == {"y": "yes", "n": "no", "r": "rollback"}
    assert (enter_choice(confirm), escape_choice(confirm)) == ("yes", "no")
    breach = Question(
        QuestionKind.BREACH,
        "?",
        choices=(Choice("rollback", "Roll back"), Choice("override", "Keep going", True)),
        default="rollback",
    )
    assert choice_keys(breach) == {"r": "rollback", "o": "override"}
    assert (enter_choice(breach), escape_choice(breach)) == ("rollback", None)
    pause = Question(
        QuestionKind.PAUSE,
        "?",
        choices=(Choice("continue", "Continue"), Choice("rollback", "Back"), Choice("pause", "P")),
    )
    # `c` is the session screen's continue key: the continue choice takes its next free letter.
    assert choice_keys(pause) == {"o": "continue", "r": "rollback", "p": "pause"}
    typed = Question(QuestionKind.TYPED, "?", expected_text="switch over")
    assert enter_choice(typed) is None
