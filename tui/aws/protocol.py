"""AWS as the engine sees it: the protocol the boto3 adapters implement. Pure: no boto3.

The engine (tui/engine) imports this module, never the adapters; the adapters (tui/aws/*)
implement it. Everything here is called from the engine's thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tui.errors import TurnoutError
from tui.exitcodes import ExitCode
from tui.runbook.model import Condition, Metric, Runbook, Step


@dataclass(frozen=True)
class Identity:
    """Who the credentials are (STS GetCallerIdentity) and where calls go."""

    account: str
    arn: str
    region: str
    # How the calls reach AWS (`ClientFactory.described`): profile, credential source,
    # endpoint, CA bundle; recorded in session.start. Never a secret.
    via: Mapping[str, Any] = field(default_factory=dict, compare=False)


# What an AWS error code says about the session itself rather than the call: its credentials
# ran out (or are not recognised: an SSO session that ended), it lacks a permission, or AWS kept
# throttling it past the SDK's retries. None of these is fixed by rolling back (the rollback's
# calls meet the same refusal): the session pauses until a person has acted. Decided on the
# code, never the message. botocore's own credential errors (raised before a call is sent)
# carry their class name as the code.
EXPIRED = "credentials"
DENIED = "permission"
THROTTLED = "throttled"
_BLOCKED_BY = {
    **dict.fromkeys(
        (
            "ExpiredToken",
            "ExpiredTokenException",
            "RequestExpired",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "NoCredentialsError",
            "UnauthorizedSSOTokenError",
            "SSOTokenLoadError",
            "TokenRetrievalError",
            "CredentialRetrievalError",
        ),
        EXPIRED,
    ),
    **dict.fromkeys(
        ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"),
        DENIED,
    ),
    **dict.fromkeys(
        (
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "RequestThrottled",
            "RequestThrottledException",
            "TooManyRequestsException",
            "PriorRequestNotComplete",
        ),
        THROTTLED,
    ),
}


class CloudError(TurnoutError):
    """An AWS call failed after the SDK's retries; the message says what and where.

    `code` is AWS's error code (`AccessDenied`, `ThrottlingException`, `ValidationError`, ...);
    the adapter writes a message naming the operation and the resource, e.g.
    `elbv2.ModifyListener on web-alb:80: AccessDenied: ...`. The engine adds the step.
    `action` is the IAM action the call needs (`elasticloadbalancing:ModifyListener`).
    """

    exit_code = ExitCode.LEFT_FOR_OPERATOR

    def __init__(
        self,
        message: str,
        *,
        service: str = "",
        operation: str = "",
        code: str = "",
        action: str = "",
    ):
        super().__init__(message)
        self.service, self.operation, self.code, self.action = service, operation, code, action

    @property
    def blocked(self) -> str | None:
        """EXPIRED, DENIED or THROTTLED when the error is about the session, not the call."""
        return _BLOCKED_BY.get(self.code)


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

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """After a crash mid-rollback, before the undo is sent again: does AWS show it done
        (its Progress is done) or under way (then `poll_undo` follows it)? None: send it.
        Read-only."""
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
    # The AWS error behind `error`, when there was one: the engine decides on its code (a
    # guardrail that cannot be read because the credentials expired pauses the session).
    failure: CloudError | None = field(default=None, compare=False)

    @property
    def latest(self) -> float | None:
        """The newest value, or None when there is no datapoint (missing data, never 0)."""
        return self.points[-1][1] if self.points else None


@dataclass(frozen=True)
class Reading:
    """What a non-metric precondition saw: a DNS TTL, a Blue/Green status, a healthy count."""

    value: Any
    text: str  # for people: "TTL of app.shop.example.com. is 5 s"


OK, WARN, FAIL, NOT_CHECKED = "ok", "warn", "fail", "not checked"


@dataclass(frozen=True)
class PreflightCheck:
    """One row of the preflight table: what was checked, how it came out, what to do.
    `missing` names the IAM actions a `fail` of the permissions check lacks."""

    check: str
    result: str  # OK, WARN, FAIL or NOT_CHECKED
    detail: str
    todo: str = ""
    missing: tuple[str, ...] = ()


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

    def preflight(self, runbook: Runbook, identity: Identity) -> list[PreflightCheck]:
        """The preflight's rows (tui/aws/preflight.py): permissions, resources, metrics,
        credentials, quotas, for this identity, before anything changes."""
        ...

    def renew_credentials(self) -> None:
        """Read the credentials again before the next call (a person re-authenticated: `aws
        sso login`, a refreshed profile). Calls already answered are not repeated."""
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
        attempts: int = 1,
        retry_s: float = 0.0,
    ) -> None:
        """Record how the call ended: `attempts` the SDK made (1 + its retries) and `retry_s`,
        the part of `duration` they cost (the failed attempts and the back-off between)."""
        ...
