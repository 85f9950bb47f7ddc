"""A rehearsal's questions asked with its world at real time (see the simulator's
`at_real_time`): what a person takes to read and decide costs the world what it would cost on
the night, and a countdown lasts as long as it says. The same holds while the session waits for
another person's approval (`ApprovalWaiting` until `ApprovalEnded`, tui/engine/approvals.py)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tui.engine.events import ApprovalEnded, ApprovalWaiting
from tui.engine.ports import Answer, Operator, PassingOn, Question


class AskedAtRealTime(PassingOn):
    """`inner`, each of whose questions waits inside `real_time()` (a person's front end)."""

    def __init__(
        self, inner: Operator, real_time: Callable[[], AbstractContextManager[None]]
    ) -> None:
        super().__init__(inner)
        self.real_time = real_time

    def ask(self, question: Question) -> Answer:
        with self.real_time():
            return self.inner.ask(question)


class ApprovalsAtRealTime(PassingOn):
    """`inner`, with the world at real time from `ApprovalWaiting` to `ApprovalEnded`
    (tui/engine/approvals.py): another person reading the request in their own terminal takes
    what it would take on the night, and the approval's timeout lasts as long as it says. For
    every front end, headless too: the approver is a person even when the operator is not."""

    def __init__(
        self, inner: Operator, real_time: Callable[[], AbstractContextManager[None]]
    ) -> None:
        super().__init__(inner)
        self.real_time = real_time
        self._held: AbstractContextManager[None] | None = None

    def notify(self, event: Any) -> None:
        if isinstance(event, ApprovalWaiting) and self._held is None:
            self._held = self.real_time()
            self._held.__enter__()
        elif isinstance(event, ApprovalEnded) and self._held is not None:
            held, self._held = self._held, None
            held.__exit__(None, None, None)
        self.inner.notify(event)
