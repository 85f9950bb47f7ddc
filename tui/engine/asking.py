"""Waiting for a person's answer while the guardrails in force stay watched.

`Operator.ask` blocks until a person answers. When a watch is in force (the guardrails of the
step in flight, or of the step just completed while the next one's question waits), the
question is asked on a short-lived thread and the engine's own thread keeps polling that watch
every poll interval on the engine clock: each poll is recorded (`guardrail.evaluated`) and
shown (`GuardrailsPolled`) as it would be outside a question. Only the engine's thread writes
the audit log; the asking thread only waits on the front end.

While a BREACH waits nothing interrupts it: later polls only update what is shown. When a
`pause` or `rollback` guardrail triggers while a less severe question waits, the engine
withdraws that question (`Operator.withdraw`), waits for the front end to take it down, and
raises `Withdrawn`, so the guardrail's own question is asked next, never on top of another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from tui.clock import Clock
from tui.engine.guardrails import Evaluation
from tui.engine.ports import Answer, Operator, Question, QuestionKind

SLICE_S = 0.05
"""Real seconds between looks at the engine clock while an answer is awaited."""


class Watching(Protocol):
    """The watch in force (a `GuardrailPoller`, tui/engine/watching.py)."""

    def poll_while_asking(self, kind: QuestionKind) -> Evaluation | None:
        """One poll while a question of `kind` waits; the evaluation that must take its place
        (a `pause`/`rollback` trigger more severe than the question), or None."""
        ...

    def act(self, trip: Evaluation) -> None:
        """Ask the tripped guardrail's own question (may raise RollbackNeeded or Stop)."""
        ...


class PausedWhileAsking(Exception):
    """The question was taken down because the session was asked to pause while it waited (the
    app's `q` then Pause, SIGTERM, SIGHUP): nobody may be there to answer it."""


class Withdrawn(Exception):
    """The question was taken down because `trip` triggered on `watching` while it waited."""

    def __init__(self, watching: Watching, trip: Evaluation) -> None:
        super().__init__("withdrawn: a guardrail triggered while the question waited")
        self.watching, self.trip = watching, trip


def wait_until(
    clock: Clock,
    done: threading.Event,
    moment: datetime,
    stop: Callable[[], bool] | None = None,
) -> bool:
    """Wait for `done` until `moment` on `clock`, or until `stop()` says to; True once `done`
    is set. A `ManualClock` moves only when a test moves it, so this waits for the answer or
    for the test, never for a guess at how long a thread takes."""
    while not done.is_set():
        if clock.now() >= moment or (stop is not None and stop()):
            return False
        done.wait(SLICE_S)
    return True


class _Asked:
    """`operator.ask(question)` on its own thread; its answer, or what it raised."""

    def __init__(self, operator: Operator, question: Question) -> None:
        self.done = threading.Event()
        self._answer: Answer | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(operator, question), name="turnout-question", daemon=True
        )
        self._thread.start()

    def _run(self, operator: Operator, question: Question) -> None:
        try:
            self._answer = operator.ask(question)
        except BaseException as exc:  # Ctrl-C or an ended input in a prompt: the engine's to handle
            self._error = exc
        finally:
            self.done.set()

    def result(self) -> Answer:
        self.done.wait()
        if self._error is not None:
            raise self._error
        assert self._answer is not None
        return self._answer


def answer_watching(
    operator: Operator,
    question: Question,
    clock: Clock,
    watching: Watching | None,
    poll: float,
    pause_wanted: Callable[[], bool] | None = None,
) -> Answer:
    """The operator's answer to `question`, with `watching` polled every `poll` engine-clock
    seconds until it comes (see the module docstring). When `pause_wanted()` turns true while
    it waits, the question is taken down and `PausedWhileAsking` raised: a pause asked for
    while a question is open (the app's quit dialog, a stop signal) is not left waiting for an
    answer nobody will give; one asked for before, the question is not put; one that comes
    with an answer (the app closing settles what is open) wins, and the question is asked
    again on resume. With neither, a plain `ask`."""
    if watching is None and pause_wanted is None:
        return operator.ask(question)
    paused = pause_wanted or (lambda: False)
    if paused():
        raise PausedWhileAsking
    asked = _Asked(operator, question)
    try:
        while True:
            answered = wait_until(clock, asked.done, clock.now() + timedelta(seconds=poll), paused)
            if paused():
                _take_down(operator, question, asked)  # nothing to take down once answered
                raise PausedWhileAsking
            if answered:
                break
            if watching is None:
                continue
            trip = watching.poll_while_asking(question.kind)
            withdraw = getattr(operator, "withdraw", None)
            if trip is not None and withdraw is not None:
                # A front end that cannot take a question down keeps it; the trigger is then
                # acted on at the first poll after the answer.
                _take_down(operator, question, asked)
                raise Withdrawn(watching, trip)
    except (Withdrawn, PausedWhileAsking):
        raise
    except BaseException:
        # The log could not be written, or the watch failed: no question may stay open on a
        # session that is ending.
        _take_down(operator, question, asked)
        raise
    return asked.result()


def _take_down(operator: Operator, question: Question, asked: _Asked) -> None:
    withdraw = getattr(operator, "withdraw", None)
    if withdraw is None:
        return  # nothing to take it down with; waiting could be forever
    if not asked.done.is_set():
        withdraw(question)
    asked.done.wait()  # the next question is never shown on top of this one
