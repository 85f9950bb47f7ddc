"""A rehearsal's questions asked with its world at real time (see the simulator's
`at_real_time`): what a person takes to read and decide costs the world what it would cost on
the night, and a countdown lasts as long as it says."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tui.engine.ports import Answer, Operator, Question


class AskedAtRealTime:
    """`operator`, each of whose questions waits inside `real_time()`."""

    def __init__(
        self, operator: Operator, real_time: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self.operator = operator
        self.real_time = real_time

    def notify(self, event: Any) -> None:
        self.operator.notify(event)

    def ask(self, question: Question) -> Answer:
        with self.real_time():
            return self.operator.ask(question)

    def withdraw(self, question: Question) -> None:
        """Pass the engine's withdrawal on (tui/engine/asking.py)."""
        withdraw = getattr(self.operator, "withdraw", None)
        if withdraw is not None:
            withdraw(question)
