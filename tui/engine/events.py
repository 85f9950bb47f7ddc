"""What the engine tells front ends as a session runs (`Operator.notify`). Small frozen
dataclasses, so a Textual front end can post them as messages and a plain one print them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.audit.anchor import anchor_text
from tui.audit.chain import LOG_NAME
from tui.aws.protocol import Identity, Progress
from tui.engine.ports import StepState
from tui.exitcodes import ExitCode, outcome_words


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
    endpoint: str | None = None  # the AWS endpoint the session's calls go to, when not AWS's
    profile: str | None = None


@dataclass(frozen=True)
class StepChanged:
    """A step moved to `state`; `message` says why in one line."""

    step: str
    state: StepState
    message: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class FastForward:
    """A rehearsal's bake or wait of `step` runs at the world's fastest speed (`on`), or no
    longer (the wait ended); the world hears it before the front end (commands/world_steps.py)."""

    step: str
    on: bool
    phase: str = ""  # run (a wait action) or bake
    seconds_left: float = 0.0
    who: str = ""


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
class EndSummary:
    """The summary every session ends with (made by tui/engine/summary.py): what `lines`
    prints in every front end; carried by `SessionEnded`."""

    outcome: str
    exit_code: int
    session_dir: str
    aws_state: tuple[str, ...] = ()
    overrides: int = 0
    touched: int = 0  # steps that may have changed AWS
    carry_on: str = ""
    last_hash: str = ""
    reason: str = ""  # session.end's reason: which pause, which rollback, what refused

    def rows(self) -> list[tuple[str, str]]:
        """The summary as (what, value) rows: a table in the app, `lines` everywhere else."""
        rows = [("outcome", f"{outcome_words(self.outcome)} (exit {self.exit_code})")]
        if self.reason and self.exit_code != ExitCode.COMPLETED:  # "completed: 6 of 6" says less
            rows.append(("why", self.reason))
        if self.overrides:
            rows.append(("overrides", f"{self.overrides} (a person went on past a check)"))
        if self.aws_state:
            rows += [("AWS now", line) for line in self.aws_state]
        elif self.touched:
            rows.append(("AWS now", "the steps that ran leave nothing to read back"))
        else:
            rows.append(("AWS now", "nothing was changed"))
        rows.append(("session", self.session_dir))
        if self.carry_on:
            rows.append(("next", self.carry_on))
        if self.last_hash:  # the anchor: quote it in the change ticket (docs/audit.md)
            rows.append(("audit", anchor_text(Path(self.session_dir) / LOG_NAME, self.last_hash)))
        return rows

    def lines(self) -> list[str]:
        """The summary as plain lines, the same in every text front end: AWS's state as an
        indented list under "AWS now:" when there is any."""
        out: list[str] = []
        for what, value in self.rows():
            if what == "AWS now" and self.aws_state:
                if "AWS now:" not in out:
                    out.append("AWS now:")
                out.append(f"  {value}")
            else:
                out.append(f"{what}: {value}")
        return out


@dataclass(frozen=True)
class SessionEnding:
    """The session's outcome is known and `session.end` is about to be written: the last
    moment anything may still join the log before it (the webhooks' delivery records,
    tui/notify/). Front ends need not show it: `SessionEnded` follows at once."""

    exit_code: int
    outcome: str
    reason: str
    session_dir: str
    aws_state: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class ApprovalWaiting:
    """The session waits for `required` other people to approve (tui/engine/approvals.py);
    `command` is what one of them runs. A rehearsal's world runs at real time meanwhile."""

    step: str | None
    required: int
    approvers: tuple[str, ...]
    deadline: datetime
    command: str


@dataclass(frozen=True)
class ApprovalEnded:
    """The wait is over: `outcome` approved, denied, timeout or withdrawn."""

    step: str | None
    outcome: str
    who: str = ""
