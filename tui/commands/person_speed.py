"""A rehearsal's questions asked with its world at real time (see the simulator's
`at_person_speed`): what a person takes to read and decide costs the world what it would cost on
the night, and a countdown lasts as long as it says."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tui.engine.ports import Answer, Operator, Question


class AskedAtPersonSpeed:
    """`operator`, each of whose questions waits inside `person_speed()`."""

    def __init__(
        self, operator: Operator, person_speed: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self.operator = operator
        self.person_speed = person_speed

    def notify(self, event: Any) -> None:
        self.operator.notify(event)

    def ask(self, question: Question) -> Answer:
        with self.person_speed():
            return self.operator.ask(question)
