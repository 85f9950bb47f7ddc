"""The runbook as typed, immutable objects: what the loader produces and the engine consumes.

Every object keeps the `Location` it was written at, so the engine and the UI can point back at
the runbook. Values are already checked and `${param}`-substituted; durations are `Duration`s
(ints of seconds that print as written).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tui.errors import Location
from tui.runbook.audit_copies import NO_COPIES, AuditCopies
from tui.runbook.durations import Duration
from tui.runbook.expr import Expr
from tui.runbook.values import ValueType


class Risk(StrEnum):
    """How much a step can change: shown in the plan and deciding what confirmation it needs."""

    READ_ONLY = "read-only"
    MUTATING = "mutating"
    IRREVERSIBLE = "irreversible"


class Severity(StrEnum):
    """What a breached guardrail does: notify, stop and ask, or roll back (after a timed ask)."""

    WARN = "warn"
    PAUSE = "pause"
    ROLLBACK = "rollback"


class MissingData(StrEnum):
    """How a guardrail treats a period with no datapoint."""

    BREACH = "breach"  # no data counts as a breaching datapoint
    IGNORE = "ignore"  # skipped: neither breaches nor resets the count
    PAUSE = "pause"  # stop and ask the operator


@dataclass(frozen=True)
class Target:
    """The only account and region the runbook may change."""

    account: str
    region: str


@dataclass(frozen=True)
class Param:
    """A declared param and the value it has for this run."""

    name: str
    type: ValueType
    value: Any
    source: str  # "default" or "set" (a --set on the command line)
    required: bool
    description: str
    location: Location
    secret: bool = False  # declared `secret: true`, or a string param whose name looks secret


@dataclass(frozen=True)
class Service:
    """A service being upgraded; its dependencies are upgraded before it."""

    name: str
    depends_on: tuple[str, ...]
    description: str
    location: Location


@dataclass(frozen=True)
class ResourceRef:
    """A metric dimension written as a resource name the adapter resolves to an AWS id.

    `kind` is `load_balancer` (-> app/NAME/ID), `target_group` (-> targetgroup/NAME/ID),
    `instance` (Name tag -> i-...) or `blue_green_target` (a Blue/Green deployment's name -> the
    identifier of its green DB instance).
    """

    kind: str
    name: str


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric: what GetMetricData is asked for."""

    namespace: str
    name: str
    stat: str
    dimensions: dict[str, str | ResourceRef]
    period: Duration


@dataclass(frozen=True)
class Threshold:
    """The healthy band: a value below `minimum` or above `maximum` breaches."""

    minimum: float | None
    maximum: float | None

    def breached(self, value: float) -> bool:
        """True if `value` is outside the band."""
        return (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        )


@dataclass(frozen=True)
class MetricCondition:
    """A single metric against a threshold."""

    metric: Metric
    threshold: Threshold
    label: str
    location: Location
    kind: str = "metric"


@dataclass(frozen=True)
class ExprCondition:
    """CloudWatch metric math over named metrics, against a threshold."""

    expr: str
    tree: Expr
    metrics: dict[str, Metric]
    threshold: Threshold
    label: str
    location: Location
    kind: str = "expr"


@dataclass(frozen=True)
class Route53TtlCondition:
    """A DNS record's TTL is at most `maximum` seconds (clients re-resolve quickly)."""

    zone: str
    record: str
    type: str | None
    maximum: int
    label: str
    location: Location
    kind: str = "route53_ttl"


@dataclass(frozen=True)
class StatusCondition:
    """An AWS resource is in a given status.

    `kind` is `blue_green_status` (an RDS Blue/Green deployment by name) or
    `db_instance_status` (an RDS DB instance).
    """

    kind: str
    resource: str
    status: str
    label: str
    location: Location


@dataclass(frozen=True)
class HealthyTargetsCondition:
    """A target group has at least `minimum` healthy targets."""

    target_group: str
    minimum: int
    label: str
    location: Location
    kind: str = "healthy_targets"


@dataclass(frozen=True)
class GroupCondition:
    """All (`kind` "all") or any (`kind` "any") of several conditions."""

    kind: str
    conditions: tuple[Condition, ...]
    label: str
    location: Location


Condition = (
    MetricCondition
    | ExprCondition
    | Route53TtlCondition
    | StatusCondition
    | HealthyTargetsCondition
    | GroupCondition
)


@dataclass(frozen=True)
class Guardrail:
    """A signal watched while its step runs and bakes, and what to do when it breaches.

    It breaches after `consecutive` breaching evaluations in a row (the runbook's `for`).
    `confirm_timeout` (rollback only): how long the operator has to answer before the rollback
    happens anyway. `description`: why it matters, in the runbook author's words; the breach
    question and the plan show it.
    """

    name: str
    condition: Condition
    consecutive: int
    on_breach: Severity
    missing_data: MissingData
    confirm_timeout: Duration | None
    location: Location
    description: str = ""


@dataclass(frozen=True)
class Approvals:
    """Four-eyes: `required` people other than the operator must approve before the session
    goes on (tui/engine/approvals.py). `approvers` are who may: ARN patterns (`arn:...`, with
    `*` and `?`) or names (an OS user, or the last part of an ARN: a user name or a role
    session's name); empty means anyone but the operator. `timeout`: how long the session
    waits for them (engine clock) before taking it as a "no"."""

    required: int
    approvers: tuple[str, ...]
    timeout: Duration
    location: Location


@dataclass(frozen=True)
class Step:
    """One action of the runbook, as the engine will perform it.

    `arguments` are the action's arguments with defaults filled in. `confirm_phrase` is set when
    the operator must type a phrase (always for irreversible steps). `undoes` (rollback steps
    only) names the forward step whose automatic undo this step replaces.
    """

    id: str
    action: str
    arguments: dict[str, Any]
    risk: Risk
    service: str | None
    title: str
    description: str
    confirm: bool
    confirm_phrase: str | None
    irreversible: bool
    preconditions: tuple[Condition, ...]
    guardrails: tuple[Guardrail, ...]
    bake: Duration | None
    undoes: str | None
    location: Location
    approvals: Approvals | None = None  # its own four-eyes rule (the step is then confirmed)


@dataclass(frozen=True)
class NotifyTarget:
    """A webhook told of the session's events (`notify:`; tui/runbook/notify.py reads it).

    `url` is a secret (a Slack webhook's path is its credential): it is masked wherever it
    could be printed or logged, and only the sender (tui/notify/) holds it whole. `events` are
    the event names it hears (all of them when the runbook names none); `format` the payload's
    shape: `slack` (`{"text": ...}`), `teams` (an Adaptive Card) or `generic` (the event as JSON).
    """

    url: str
    events: tuple[str, ...]
    format: str
    location: Location


@dataclass(frozen=True)
class Runbook:
    """A loaded, checked runbook.

    `order` is `steps` in the order they will run (services in dependency waves; see
    `ordering.py`); `waves` lists the services of each wave.
    """

    file: str
    name: str
    title: str
    description: str
    target: Target
    window: Duration | None
    params: dict[str, Param]
    checklist: tuple[str, ...]
    services: dict[str, Service]
    waves: tuple[tuple[str, ...], ...]
    steps: tuple[Step, ...]
    order: tuple[Step, ...]
    rollback: tuple[Step, ...]
    audit: AuditCopies = NO_COPIES  # where the log is shipped (audit_copies.py)
    notify: tuple[NotifyTarget, ...] = ()
    # The runbook's four-eyes rule: every irreversible step and every override needs it.
    approvals: Approvals | None = None

    def step(self, step_id: str) -> Step:
        """The forward or rollback step with this id (KeyError if none)."""
        for step in (*self.steps, *self.rollback):
            if step.id == step_id:
                return step
        raise KeyError(step_id)
