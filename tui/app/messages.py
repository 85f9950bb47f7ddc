"""Messages the engine's thread and the app's workers post to the app (toolong's pattern).

`post_message` is thread-safe, so the engine never touches a widget: it posts, and the app's
event loop applies the message. Bursty updates (guardrail polls, progress) say `can_replace`
so a queue that fell behind keeps only the newest of each.

Each message is a small dataclass, as Textual's own events are: `Message.__post_init__` does
what `Message.__init__` would. `eq=False` keeps a message equal only to itself (two polls with
the same reading are still two messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.engine.events import GuardrailsPolled, StepProgress

if TYPE_CHECKING:
    from tui.app.question import PendingQuestion
    from tui.audit.chain import Record


@dataclass(eq=False)
class EngineEvent(Message):
    """One event the engine told its operator (`tui.engine.events`)."""

    event: Any

    def can_replace(self, message: Message) -> bool:
        """A newer poll or progress of the same step supersedes this one: each carries the
        whole picture (recent history included), so nothing is lost by skipping it."""
        if not isinstance(message, EngineEvent):
            return False
        mine, theirs = self.event, message.event
        return (
            isinstance(mine, GuardrailsPolled | StepProgress)
            and type(mine) is type(theirs)
            and mine.step == theirs.step
        )


@dataclass(eq=False)
class QuestionAsked(Message):
    """The engine is waiting for a person: open the question's modal."""

    pending: PendingQuestion


@dataclass(eq=False)
class QuestionSettled(Message):
    """A question was answered (by a person or by its deadline): close its modal if open."""

    pending: PendingQuestion


@dataclass(eq=False)
class LogRecords(Message):
    """Records appended to the audit log since the last look (the audit tail panel)."""

    records: list[Record]


@dataclass(eq=False)
class SessionFinished(Message):
    """The engine's `run()` returned (or raised): the app may leave with `exit_code`."""

    exit_code: int
    error: str | None = None
