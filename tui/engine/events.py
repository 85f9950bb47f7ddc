"""What the engine tells front ends as a session runs (`Operator.notify`). Small frozen
dataclasses, so a Textual front end can post them as messages and a plain one print them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.aws.protocol import Identity, Progress
from tui.engine.ports import StepState

if TYPE_CHECKING:  # summary.py reads the steps, which send events
    from tui.engine.summary import EndSummary


@dataclass(frozen=True)
class SessionStarted:
    """The session began (or resumed) against `identity`."""

    runbook: str
    title: str
    identity: Identity
    rehearsal: bool
    session_dir: str
    started_at: datetime
    window_ends_at: datetime | None = None
    resumed: bool = False


@dataclass(frozen=True)
class StepChanged:
    """A step moved to `state`; `message` says why in one line."""

    step: str
    state: StepState
    message: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class StepProgress:
    """An action's latest progress (instance refresh %, canary weights, rollout counts)."""

    step: str
    progress: Progress
    at: datetime | None = None


@dataclass(frozen=True)
class ConditionResult:
    """A precondition checked before a step, with the value seen."""

    step: str
    label: str
    ok: bool
    value: Any
    text: str
    overridden: bool = False


@dataclass(frozen=True)
class GuardrailReading:
    """One guardrail at one poll: its latest value, the threshold, the breach count."""

    step: str
    name: str
    value: float | None  # None: no data this poll (never shown as 0)
    minimum: float | None
    maximum: float | None
    breaches: int  # consecutive breaching datapoints so far
    needed: int  # the guardrail's `for`
    severity: str
    points: tuple[tuple[datetime, float], ...] = ()  # recent history, oldest first
    breached: bool = False  # `breaches` reached `needed` at this poll
    missing: bool = False


@dataclass(frozen=True)
class GuardrailsPolled:
    """Every guardrail of the running step at one poll (one event per poll, for the panels)."""

    step: str
    at: datetime
    readings: tuple[GuardrailReading, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Notice:
    """Something worth a person's attention: a `warn` breach, a retry, an AWS error."""

    text: str
    level: str = "info"  # info | warn | error
    step: str | None = None


@dataclass(frozen=True)
class RollbackChanged:
    """Rollback began, undid a step, was verified, or failed."""

    phase: str  # started | step | verifying | verified | failed
    text: str
    step: str | None = None


@dataclass(frozen=True)
class SessionEnded:
    """The session is over: its exit code (docs/engine.md#exit-codes) and a one-line summary;
    `end_summary` the lines every front end shows last (tui/engine/summary.py; None when the log
    could not take its last record)."""

    exit_code: int
    summary: str
    session_dir: str
    end_summary: EndSummary | None = None


@dataclass(frozen=True)
class AutoApproved:
    """`--auto-approve` answered a question without asking anyone (tui/engine/auto_approve.py):
    shown by every front end, so the person watching sees what was approved."""

    question: Any  # the engine's Question
    answer: Any  # the Answer given on their behalf
    at: datetime | None = None
