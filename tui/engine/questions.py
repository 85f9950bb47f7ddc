"""The questions the engine asks, built in one place so every front end sees the same choices.

Choice keys are part of the engine's contract with front ends (docs/engine.md lists them):
an affirmative answer is always `yes`; an override is always `override` and needs a typed
reason; `rollback` always means roll back now; `pause` always means stop here and stay
resumable (exit 130).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tui.engine.ports import Choice, Question, QuestionKind
from tui.runbook.model import Step

YES = "yes"
NO = "no"
OVERRIDE = "override"
ROLLBACK = "rollback"
PAUSE = "pause"
RETRY = "retry"
STOP = "stop"
LEAVE = "leave"
CONTINUE = "continue"
WITHDRAWN = "withdrawn"
"""Not a choice: the answer recorded when the engine took a question down because a guardrail
triggered while it waited (tui/engine/asking.py)."""

_ROLL_BACK = Choice(ROLLBACK, "Roll back now")
_PAUSE = Choice(PAUSE, "Pause here: stop, keep the session resumable (exit 130)")


def checklist(index: int, total: int, item: str) -> Question:
    """One compatibility-checklist item, confirmed before anything changes."""
    return Question(
        QuestionKind.CHECKLIST,
        f"Checklist {index} of {total}",
        item,
        choices=(Choice(YES, "Confirmed"), Choice(NO, "Not confirmed: stop, change nothing")),
    )


def confirm(step: Step, body: str) -> Question:
    """Before a step marked `confirm`: go ahead, stop resumable, or roll back."""
    return Question(
        QuestionKind.CONFIRM,
        f"Run step {step.id}: {step.title or step.action}?",
        body,
        choices=(
            Choice(YES, "Go ahead"),
            Choice(NO, "Not now: stop here, keep the session resumable"),
            _ROLL_BACK,
        ),
        step=step.id,
    )


def typed(step: Step, body: str, phrase: str) -> Question:
    """Before an irreversible step: the operator must type `phrase`."""
    return Question(
        QuestionKind.TYPED,
        f"Irreversible: {step.title or step.action}",
        body + f"\n\nType **{phrase}** to go ahead.",
        choices=(
            Choice(YES, "Go ahead (type the phrase)"),
            Choice(NO, "Not now: stop here, keep the session resumable"),
            _ROLL_BACK,
        ),
        step=step.id,
        expected_text=phrase,
    )


def manual(step: Step, instructions: str, *, reverse: bool = False) -> Question:
    """A manual step (or, in a rollback, the same step to be reversed by hand)."""
    if reverse:
        return Question(
            QuestionKind.MANUAL,
            f"Reverse by hand: {step.title or step.id}",
            "Rolling back. Reverse what this manual step did:\n\n" + instructions,
            choices=(Choice(YES, "Done"), Choice(LEAVE, "Cannot: leave it for later")),
            step=step.id,
        )
    return Question(
        QuestionKind.MANUAL,
        step.title or f"Manual step {step.id}",
        instructions,
        choices=(Choice(YES, "Done"), _PAUSE, _ROLL_BACK),
        step=step.id,
    )


def precondition(step: Step, body: str, evidence: Mapping[str, Any]) -> Question:
    """A failed precondition: stop (exit 5), check again, or override with a typed reason."""
    return Question(
        QuestionKind.PRECONDITION,
        f"Precondition failed before {step.id}",
        body,
        choices=(
            Choice(STOP, "Stop: the step has changed nothing (exit 5)"),
            Choice(RETRY, "Check again"),
            Choice(OVERRIDE, "Override and go ahead (type why)", needs_reason=True),
        ),
        step=step.id,
        default=STOP,
        evidence=dict(evidence),
    )


def breach(step: str, body: str, deadline: datetime, evidence: Mapping[str, Any]) -> Question:
    """A `rollback` guardrail breached: roll back (also when nobody answers by `deadline`)."""
    return Question(
        QuestionKind.BREACH,
        f"Guardrail breached during {step}: roll back?",
        body,
        choices=(
            Choice(ROLLBACK, "Roll back now"),
            Choice(OVERRIDE, "Keep going (type why)", needs_reason=True),
        ),
        step=step,
        default=ROLLBACK,
        deadline=deadline,
        evidence=dict(evidence),
    )


def pause(step: str, title: str, body: str, evidence: Mapping[str, Any]) -> Question:
    """A `pause` guardrail breached, or a guardrail has no data under policy `pause`."""
    return Question(
        QuestionKind.PAUSE,
        title,
        body,
        choices=(
            Choice(CONTINUE, "Continue (type why)", needs_reason=True),
            _ROLL_BACK,
            _PAUSE,
        ),
        step=step,
        evidence=dict(evidence),
    )


def step_failed(step: str, error: str) -> Question:
    """An action failed: roll back (the default), try again, or leave it for a person (exit 4)."""
    return Question(
        QuestionKind.STEP_FAILED,
        f"Step {step} failed",
        error,
        choices=(
            _ROLL_BACK,
            Choice(RETRY, "Try again"),
            Choice(LEAVE, "Leave it as it is for a person (exit 4)"),
        ),
        step=step,
        default=ROLLBACK,
    )


def blocked(step: str | None, title: str, body: str, *, rolling_back: bool = False) -> Question:
    """AWS refused the session itself (expired credentials, a missing permission, throttling
    past the SDK's retries): try the same call again once a person has acted, pause resumable
    (the default: nothing waits on a clock), or roll back (not offered when the refused call
    is the rollback's own: `rolling_back`)."""
    retry = Choice(RETRY, "Try the same call again (once you have acted)")
    return Question(
        QuestionKind.BLOCKED,
        title,
        body,
        choices=(retry, _PAUSE) if rolling_back else (retry, _PAUSE, _ROLL_BACK),
        step=step,
        default=PAUSE,
    )


def interrupt(step: str | None) -> Question:
    """Ctrl-C (or quit) during a run."""
    return Question(
        QuestionKind.INTERRUPT,
        "Interrupted",
        "What now? Pausing leaves AWS as it is (an action already under way carries on in AWS) "
        "and `turnout resume` picks the session up.",
        choices=(_PAUSE, _ROLL_BACK, Choice(CONTINUE, "Continue the run")),
        step=step,
        default=PAUSE,
    )


def rollback_request(step: str | None, who: str, reason: str) -> Question:
    """The operator asked to roll back now: confirm."""
    return Question(
        QuestionKind.ROLLBACK,
        "Roll back now?",
        f"{who} asked to roll back: {reason or 'no reason given'}",
        choices=(Choice(YES, "Roll back"), Choice(NO, "Keep going")),
        step=step,
    )


# A rehearsal cannot be resumed (its world ends with the process), so a choice must not promise
# it there: the same choice (same key, same effect: stop, exit 130), told truthfully.
_REHEARSAL_WORDS = (
    ("keep the session resumable (exit 130)", "exit 130 (a rehearsal cannot be resumed)"),
    ("keep the session resumable", "a rehearsal cannot be resumed"),
    ("`turnout resume` picks the session up", "a rehearsal cannot be resumed: rehearse again"),
)


def for_rehearsal(question: Question) -> Question:
    """`question` as a rehearsal asks it: no promise that the session can be resumed."""

    def told(text: str) -> str:
        for promise, truth in _REHEARSAL_WORDS:
            text = text.replace(promise, truth)
        return text

    choices = tuple(replace(c, label=told(c.label)) for c in question.choices)
    return replace(question, body=told(question.body), choices=choices)
