"""The engine's ports to people: `Operator` (implemented by the Textual app, the plain
front end and the headless one), the questions it is asked and the answers it gives. Pure.

AWS is reached through `tui.aws.protocol.Cloud`. `Operator.ask` blocks the engine's thread
until a person answers (or the question's deadline passes); `Operator.notify` never blocks.
Times are the engine clock's (`tui.clock.Clock`), which in a rehearsal is the world's
accelerated clock, so a front end measuring a countdown reads the same clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class QuestionKind(StrEnum):
    """Why the engine is asking."""

    CHECKLIST = "checklist"  # confirm one compatibility checklist item
    CONFIRM = "confirm"  # before a step marked `confirm`: yes / no
    TYPED = "typed"  # before an irreversible step: type `expected_text`
    MANUAL = "manual"  # a manual step: do this, then say done
    BREACH = "breach"  # a `rollback` guardrail breached: roll back (default on timeout) / hold
    PAUSE = "pause"  # a `pause` guardrail breached, or missing data with policy `pause`
    PRECONDITION = "precondition"  # a precondition failed: stop, or override with a reason
    STEP_FAILED = "step_failed"  # an action failed: roll back / retry / leave for a person
    INTERRUPT = "interrupt"  # Ctrl-C or quit: roll back / pause and keep resumable / continue
    ROLLBACK = "rollback"  # the operator asked to roll back now: confirm
    BLOCKED = "blocked"  # AWS refused the session (credentials, a permission, throttling)


@dataclass(frozen=True)
class Choice:
    """One answer a question allows. `needs_reason`: the person must type why (an override)."""

    key: str
    label: str
    needs_reason: bool = False


@dataclass(frozen=True)
class Question:
    """Something only a person may decide.

    `body` is markdown: what will happen (operations, resources, undo) or the evidence (metric
    values against thresholds). `deadline` (engine clock) is when `default` is taken by itself:
    a front end shows the countdown and answers `Answer(default, timed_out=True)` when it passes.
    """

    kind: QuestionKind
    title: str
    body: str = ""
    choices: tuple[Choice, ...] = (Choice("yes", "Yes"), Choice("no", "No"))
    step: str | None = None
    default: str | None = None
    deadline: datetime | None = None
    expected_text: str | None = None  # TYPED: what must be typed to say yes
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def choice(self, key: str) -> Choice | None:
        """The choice called `key`, if offered."""
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Answer:
    """A person's answer (or the default, when the deadline passed)."""

    choice: str
    who: str
    text: str | None = None  # what was typed: the confirmation phrase or an override's reason
    timed_out: bool = False
    screenshot: str | None = None  # the SVG of the screen as it was answered, if saved
    # Set when other people's approval turned a yes into this "no" (tui/engine/approvals.py):
    # who denied it and why, or that nobody approved in time.
    unapproved: str | None = None


class StepState(StrEnum):
    """A step's state as front ends show it (each also has a symbol, never colour alone)."""

    PENDING = "pending"
    CHECKING = "checking"  # preconditions
    WAITING = "waiting"  # for a person
    RUNNING = "running"
    BAKING = "baking"
    DONE = "done"
    FAILED = "failed"
    ROLLING_BACK = "rolling back"
    ROLLED_BACK = "rolled back"
    SKIPPED = "skipped"  # e.g. already done before a resume


class Operator(Protocol):
    """A front end: shows what the engine does, asks people what only they may decide."""

    def notify(self, event: Any) -> None:
        """Show an event (tui.engine.events); never blocks the engine."""
        ...

    def ask(self, question: Question) -> Answer:
        """Ask and wait for the answer, or take `question.default` at its deadline."""
        ...


class PassingOn:
    """An `Operator` around `inner` that passes on whatever it does not change: the base of the
    wrappers that add to telling or asking (`--auto-approve`, the rehearsal's world hearing its
    steps and holding real time, the webhooks). `withdraw` (tui/engine/asking.py) reaches
    `inner` when it has one."""

    def __init__(self, inner: Operator) -> None:
        self.inner = inner

    def notify(self, event: Any) -> None:
        self.inner.notify(event)

    def ask(self, question: Question) -> Answer:
        return self.inner.ask(question)

    def withdraw(self, question: Question) -> None:
        withdraw = getattr(self.inner, "withdraw", None)
        if withdraw is not None:
            withdraw(question)
