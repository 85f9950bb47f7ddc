"""`TextualOperator`: the engine's `Operator` for the Textual app.

`notify` posts the event to the app and returns at once. `ask` runs on the engine's thread: it
posts the question, then waits for the app to settle it (a key press, or the deadline passing
on the engine's clock, which the app watches and draws as a countdown). If the app cannot
settle a question whose deadline has passed (it is wedged or gone), the operator takes the
default itself after a short grace, so a rollback the runbook promised still happens. The SVG
of the screen as it was answered is written to the session's `screens/` and named in the
`Answer`.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from tui.app.messages import EngineEvent, QuestionAsked, QuestionSettled
from tui.app.question import ENGINE_ACTOR, PendingQuestion, screenshot_name
from tui.clock import Clock
from tui.engine.ports import Answer, Question
from tui.engine.questions import WITHDRAWN

# Real seconds the app has to settle an expired question before the engine's thread does.
DEADLINE_GRACE_S = 2.0
# How often the waiting engine thread looks at the clock (real seconds).
WAIT_SLICE_S = 0.1


class MessageTarget(Protocol):
    """Where the operator posts: the app (anything with a thread-safe `post_message`)."""

    def post_message(self, message: Any) -> bool:
        """Queue a message; safe from any thread."""
        ...


class TextualOperator:
    """An `Operator` that shows events on, and asks questions through, the Textual app."""

    def __init__(self, target: MessageTarget, clock: Clock, session_dir: str | Path) -> None:
        self._target = target
        self._clock = clock
        self.session_dir = Path(session_dir)
        self._numbers = itertools.count(1)
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._open: list[PendingQuestion] = []

    def notify(self, event: Any) -> None:
        """Post the event to the app; never blocks."""
        self._target.post_message(EngineEvent(event))

    def ask(self, question: Question) -> Answer:
        """Show the question and block the engine's thread until it is answered."""
        pending = PendingQuestion(question, next(self._numbers), self._clock.now())
        with self._lock:
            self._open.append(pending)
        self._target.post_message(QuestionAsked(pending))
        try:
            self._wait(pending)
        finally:
            with self._lock:
                self._open.remove(pending)
        self._target.post_message(QuestionSettled(pending))
        settlement = pending.settlement
        assert settlement is not None
        return replace(settlement.answer, screenshot=self._save_svg(pending, settlement.svg))

    def withdraw(self, question: Question) -> None:
        """The engine takes `question` down (a guardrail triggered while it waited): settle it
        as withdrawn by turnout, which closes its modal (tui/engine/asking.py)."""
        with self._lock:
            for pending in self._open:
                if pending.question is question:
                    pending.settle(Answer(WITHDRAWN, ENGINE_ACTOR))

    @property
    def closed(self) -> bool:
        """Whether the app has gone (nobody will answer)."""
        return self._closed.is_set()

    def close(self) -> None:
        """The app is leaving: settle every open question with its cautious choice."""
        self._closed.set()
        with self._lock:
            for pending in self._open:
                pending.settle(pending.abandoned_answer())

    @property
    def open_questions(self) -> list[PendingQuestion]:
        """Questions asked and not yet answered."""
        with self._lock:
            return list(self._open)

    def _wait(self, pending: PendingQuestion) -> None:
        expired_since: float | None = None
        while not pending.wait(WAIT_SLICE_S):
            if self._closed.is_set():
                pending.settle(pending.abandoned_answer())
            elif pending.expired(self._clock.now()):
                expired_since = expired_since or time.monotonic()
                if time.monotonic() - expired_since > DEADLINE_GRACE_S:
                    pending.settle(pending.timeout_answer())

    def _save_svg(self, pending: PendingQuestion, svg: str | None) -> str | None:
        """Write the screenshot (on the engine's thread: file I/O stays off the event loop)."""
        if svg is None:
            return None
        relative = screenshot_name(pending)
        path = self.session_dir / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(svg, encoding="utf-8")
        except OSError:
            return None  # the answer matters more than its picture; the log says none was saved
        return relative
