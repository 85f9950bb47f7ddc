"""`AutoApproving`: the one `--auto-approve` for every front end (app, plain, headless).

It wraps the front end's own `Operator` and says yes, on the operator's behalf, to the questions
a runbook asks as a matter of course: checklist items, `confirm` steps, irreversible steps (it
types the phrase) and manual steps. Every other question — a failed precondition, a guardrail
breach or pause, a failed step, Ctrl-C, a rollback request — goes to the wrapped operator, so a
person (app, plain) or headless's safe rule decides it: auto-approve never overrides a failed
precondition or a guardrail.

Each answer is recorded by the engine as usual, with who = `turnout --auto-approve (<os user>)`,
and the wrapped operator is told (`events.AutoApproved`) so the screen shows what was approved.
"""

from __future__ import annotations

import getpass
import os

from tui.clock import Clock
from tui.engine import events, questions
from tui.engine.ports import Answer, Operator, PassingOn, Question, QuestionKind

APPROVED_KINDS = frozenset(
    {QuestionKind.CHECKLIST, QuestionKind.CONFIRM, QuestionKind.TYPED, QuestionKind.MANUAL}
)
"""What `--auto-approve` answers yes to; never an override (precondition, breach, pause)."""


def auto_approver(user: str | None = None) -> str:
    """`turnout --auto-approve (alice)`: the audit log's actor for an auto-approved answer."""
    if user is None:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = f"uid {os.getuid()}"
    return f"turnout --auto-approve ({user})"


class AutoApproving(PassingOn):
    """`inner`, with the questions of `APPROVED_KINDS` answered yes without asking it (only
    questions the wrapped operator was asked can be withdrawn: `PassingOn.withdraw`)."""

    def __init__(self, inner: Operator, *, clock: Clock | None = None, who: str | None = None):
        super().__init__(inner)
        self.clock = clock
        self.who = who or auto_approver()

    def ask(self, question: Question) -> Answer:
        if question.kind not in APPROVED_KINDS or question.choice(questions.YES) is None:
            return self.inner.ask(question)
        answer = Answer(questions.YES, self.who, text=question.expected_text)
        at = self.clock.now() if self.clock is not None else None
        self.inner.notify(events.AutoApproved(question, answer, at))
        return answer
