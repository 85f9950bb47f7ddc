"""A question the engine is waiting on, shared between the engine's thread and the app.

The engine's thread waits on a `PendingQuestion`; the app settles it once, from a key press, from
the deadline passing on the engine's clock, or because the app is closing. The first settlement
wins, so a key pressed as the countdown reaches zero cannot give two answers. Pure: no Textual.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from tui.engine.ports import Answer, Question, QuestionKind
from tui.engine.questions import ROLLBACK

ENGINE_ACTOR = "turnout"
"""Who answered when nobody did (a deadline, the app closing): the tool itself."""

# When the app closes with a question open, nobody decided: take the most cautious choice the
# question offers. Pausing keeps the session resumable; "no" refuses the step.
_CAUTIOUS = ("pause", "no", "stop", "hold", "leave")

_RESERVED_KEYS = frozenset("vcq?")


@dataclass(frozen=True)
class Settlement:
    """How a question was settled: the engine's `Answer` and the SVG of the screen then."""

    answer: Answer
    svg: str | None = None


class PendingQuestion:
    """One question in flight: asked on the engine's thread, answered on the app's."""

    def __init__(self, question: Question, number: int, asked_at: datetime) -> None:
        self.question = question
        self.number = number
        self.asked_at = asked_at
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._settlement: Settlement | None = None

    @property
    def settled(self) -> bool:
        """Whether an answer was given (or taken at the deadline)."""
        return self._done.is_set()

    @property
    def settlement(self) -> Settlement | None:
        """The answer, once settled."""
        return self._settlement

    def settle(self, answer: Answer, svg: str | None = None) -> bool:
        """Give the answer; False (and nothing changes) if it was already settled."""
        with self._lock:
            if self._settlement is not None:
                return False
            self._settlement = Settlement(answer, svg)
        self._done.set()
        return True

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` real seconds for the answer; True once settled."""
        return self._done.wait(timeout)

    def seconds_left(self, now: datetime) -> float | None:
        """Engine-clock seconds until the default is taken, or None without a deadline."""
        deadline = self.question.deadline
        return None if deadline is None else (deadline - now).total_seconds()

    def expired(self, now: datetime) -> bool:
        """The deadline has passed on the engine's clock."""
        left = self.seconds_left(now)
        return left is not None and left <= 0

    def timeout_answer(self) -> Answer:
        """The default, taken because the deadline passed."""
        return Answer(self.default_choice(), ENGINE_ACTOR, timed_out=True)

    def abandoned_answer(self) -> Answer:
        """The cautious choice, taken because the app closed with the question open."""
        keys = [c.key for c in self.question.choices]
        choice = next((k for k in _CAUTIOUS if k in keys), self.default_choice())
        return Answer(choice, ENGINE_ACTOR, text="the app closed before anyone answered")

    def default_choice(self) -> str:
        """The question's default, else its last choice (the refusing one, by convention)."""
        q = self.question
        return q.default or (q.choices[-1].key if q.choices else "no")


def choice_keys(question: Question) -> dict[str, str]:
    """The key that picks each choice: `y` for yes, `n` for no, else the first free letter of
    the choice's key, else a digit. Keys that mean something else on the modal are skipped,
    and `r` is only ever "roll back", as on the session screen (it was "check again" on a
    failed precondition's modal, one key away from a rollback)."""
    keys: dict[str, str] = {}
    for n, choice in enumerate(question.choices, start=1):
        taken = _RESERVED_KEYS if choice.key == ROLLBACK else _RESERVED_KEYS | {"r"}
        free = [ch for ch in choice.key.lower() if ch.isalpha() and ch not in taken]
        letter = next((ch for ch in free if ch not in keys), None)
        keys[letter or str(n)] = choice.key
    return keys


def enter_choice(question: Question) -> str | None:
    """What Enter picks: yes (or done) when offered, else the default, else the first choice.
    A typed confirmation has no Enter choice: Enter submits what was typed."""
    if question.kind is QuestionKind.TYPED:
        return None
    offered = [c.key for c in question.choices]
    for key in ("yes", "done"):
        if key in offered:
            return key
    return question.default or (offered[0] if offered else None)


def escape_choice(question: Question) -> str | None:
    """What Escape picks: `no` when offered; otherwise Escape only hides the question."""
    return "no" if question.choice("no") else None


def screenshot_name(pending: PendingQuestion) -> str:
    """`screens/007-canary-breach.svg`: numbered in order, named for the step and the kind."""
    q = pending.question
    step = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (q.step or "session"))
    return f"screens/{pending.number:03d}-{step}-{q.kind.value}.svg"
