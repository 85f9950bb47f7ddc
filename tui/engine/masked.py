"""The operator as the engine talks to it: every event and question with secret values masked.

The engine keeps the real values (it passes them to AWS); what it tells or asks a person goes
through `SECRETS` (tui/runbook/secrets.py) first, so no front end can paint a secret: a step's
arguments in `StepChanged`, a manual step's instructions, a confirmation's body.
"""

from __future__ import annotations

from typing import Any

from tui.engine.ports import Answer, Operator, Question
from tui.runbook.secrets import SECRETS, Masker


class MaskedOperator:
    """`operator` behind the masker; anything else it offers (`withdraw`) is passed on."""

    def __init__(self, operator: Operator, masker: Masker = SECRETS) -> None:
        self._operator = operator
        self._masker = masker
        # The masked copy a front end was given, by the engine's question: `withdraw` must name
        # the object the front end holds.
        self._shown: dict[int, Question] = {}

    def notify(self, event: Any) -> None:
        self._operator.notify(self._masker.data(event))

    def ask(self, question: Question) -> Answer:
        shown = self._masker.data(question)
        self._shown[id(question)] = shown
        try:
            return self._operator.ask(shown)
        finally:
            self._shown.pop(id(question), None)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._operator, name)  # AttributeError keeps getattr(op, x, None) honest
        if name == "withdraw":
            return lambda question: attr(self._shown.get(id(question), question))
        return attr


def masked(operator: Operator) -> Operator:
    """`operator` wrapped once (a wrapped one is not wrapped again)."""
    return operator if isinstance(operator, MaskedOperator) else MaskedOperator(operator)
