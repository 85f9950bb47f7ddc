"""The engine's ports: what it needs from AWS (`Cloud`, `ActionDriver`), from people
(`Operator`) and from the audit log (`CallRecorder`). Pure: no boto3, no UI.

    front end (Textual app, plain, headless) ──implements──> Operator
    tui/aws (boto3 adapters) ──────────────────implements──> Cloud, ActionDriver
    tui/engine (the session state machine) ────uses both, given a Clock and a SessionLog

Everything here is called from the engine's own thread. A front end's `Operator.ask` blocks
that thread until a person answers (or the question's deadline passes); `Operator.notify` must
never block. Times are the engine clock's (`tui.clock.Clock`), which in a rehearsal is the
world's accelerated clock, so a front end measuring a countdown reads the same clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from tui.errors import TurnoutError
from tui.exitcodes import ExitCode
from tui.runbook.model import Condition, Metric, Step

# ---------------------------------------------------------------------------------------------
# AWS, as the engine sees it


@dataclass(frozen=True)
class Identity:
    """Who the credentials are (STS GetCallerIdentity) and where calls go."""

    account: str
    arn: str
    region: str


class CloudError(TurnoutError):
    """An AWS call failed after the SDK's retries; the message says what and where.

    `code` is AWS's error code (`AccessDenied`, `ThrottlingException`, `ValidationError`, ...);
    the adapter writes a message naming the operation and the resource, e.g.
    `elbv2.ModifyListener on web-alb:80: AccessDenied: ...`. The engine adds the step.
    """

    exit_code = ExitCode.LEFT_FOR_OPERATOR

    def __init__(self, message: str, *, service: str = "", operation: str = "", code: str = ""):
        super().__init__(message)
        self.service, self.operation, self.code = service, operation, code


@dataclass(frozen=True)
class Progress:
    """Where an action (or its undo) stands after `start`/`poll`/`undo`/`poll_undo`.

    `state` is `running`, `done` or `failed`. `summary` is one line for the operator
    ("Instance refresh InProgress: 50 % (2 to update), checkpoint 50 % reached"). `detail` feeds
    the app's live panels, by convention under these keys (all optional):

    - `refresh`: {status, percent, instances_to_update, reason, checkpoint,
      instances: [{id, zone, version, image, health}]}
    - `weights`: {resource, weights: {name: weight}, step, steps, bake_remaining}
    - `ecs`: {deployments: [{status, task_definition, running, pending, failed, rollout_state}]}
    - `blue_green`: {name, status, status_details, tasks: [{name, status}]}
    - `image` / `snapshot`: {id, state}
    """

    state: str
    summary: str = ""
    percent: float | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""  # for `failed`: why, in AWS's words where it gave them

    @property
    def done(self) -> bool:
        """True when the action finished successfully."""
        return self.state == "done"

    @property
    def failed(self) -> bool:
        """True when the action finished and failed."""
        return self.state == "failed"


class ActionDriver(Protocol):
    """One step's action against AWS, as a small state machine the engine drives.

    The engine calls, in order: `capture` (its result is written to the audit log before any
    change), `start`, then `poll` every poll interval until done or failed. To roll back it
    calls `cancel` (if still running) then `undo(captured)` and `poll_undo` until done. After a
    crash the engine builds a new driver and may call `find_started` and `undo` with the
    captured data from the log. Every method may call AWS and may raise `CloudError`.
    """

    def capture(self) -> dict[str, Any]:
        """Read (never change) what the undo needs: the old weights, default version, ..."""
        ...

    def start(self) -> Progress:
        """Make the step's change. Called once, after `capture`'s data is durable."""
        ...

    def poll(self) -> Progress:
        """Follow the action; may make the next change it is due (the next canary weight once
        the bake since the last one has passed on the engine's clock)."""
        ...

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """After a crash between a mutation's intent and its result: does AWS show the change
        made or under way (a refresh in progress, the weights already moved)? Read-only."""
        ...

    def cancel(self) -> None:
        """Stop an action still under way (cancel the instance refresh). No-op if none."""
        ...

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """Start putting back what `capture` recorded (done at once for simple actions)."""
        ...

    def poll_undo(self) -> Progress:
        """Follow the undo until it is done or failed."""
        ...


@dataclass(frozen=True)
class SeriesRequest:
    """A metric series the engine wants: one metric, or metric math over several.

    `metrics` maps query ids to the runbook's `Metric`s (dimensions may be `ResourceRef`s the
    adapter resolves); `expr` is CloudWatch metric math over those ids, or None for the single
    metric. `window` is how many seconds of history to return (sparklines, `for` counting).
    """

    key: str
    metrics: Mapping[str, Metric]
    expr: str | None = None
    period: int = 60
    window: int = 900


@dataclass(frozen=True)
class Series:
    """The datapoints of one `SeriesRequest`, oldest first; `error` if it could not be read."""

    key: str
    points: tuple[tuple[datetime, float], ...] = ()
    error: str | None = None

    @property
    def latest(self) -> float | None:
        """The newest value, or None when there is no datapoint (missing data, never 0)."""
        return self.points[-1][1] if self.points else None


@dataclass(frozen=True)
class Reading:
    """What a non-metric precondition saw: a DNS TTL, a Blue/Green status, a healthy count."""

    value: Any
    text: str  # for people: "TTL of app.shop.example.com. is 5 s"


class Cloud(Protocol):
    """AWS for one session: one account, one region, every call reported to a CallRecorder."""

    def identity(self) -> Identity:
        """STS GetCallerIdentity, and the region calls go to."""
        ...

    def driver(self, step: Step) -> ActionDriver:
        """The driver for an AWS action of the catalogue (not `manual` or `wait`, which the
        engine performs itself). Raises KeyError for an action it does not implement."""
        ...

    def fetch(self, requests: Sequence[SeriesRequest], now: datetime) -> dict[str, Series]:
        """Every requested series in as few GetMetricData calls as possible (500 queries per
        call), keyed by `SeriesRequest.key`. A series that cannot be read has `error` set."""
        ...

    def read(self, condition: Condition) -> Reading:
        """The current value of a non-metric condition (route53_ttl, blue_green_status,
        db_instance_status, healthy_targets); the engine compares it with the threshold."""
        ...


class CallRecorder(Protocol):
    """Where the adapters report every AWS call: intent before it is sent, result after.

    `intent` must be durable (the audit log fsyncs it) before it returns: a crash after it leaves
    a record that the call may have been sent.
    """

    def intent(self, service: str, operation: str, params: Mapping[str, Any]) -> int:
        """Record that a call is about to be sent; returns a token for its result."""
        ...

    def result(
        self,
        token: int,
        *,
        ok: bool,
        duration: float,
        request_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record how the call ended."""
        ...


# ---------------------------------------------------------------------------------------------
# People, as the engine sees them


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
