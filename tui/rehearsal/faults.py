"""The faults a scenario can inject, each with when it acts and how strongly. Pure model.

A fault starts either at an offset from the moment the world is ready (`start: 2m`) or at a
runbook step (`start: {step: switchover, at: start}`: as the step begins, before its
preconditions are checked; `at: end`, once it is done; `after: 30s` later than that). A drill
whose lesson hangs on a fault being there when a step runs needs the second: world time between
the world's start and a step depends on the speed and how busy the machine is, so a fault timed
from the world's start met one step at 60x on a quiet machine and missed it at 30x on a loaded
one. A fault with no `duration` lasts until the drill ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from tui.errors import Location

STEP_MOMENTS = ("start", "end")
"""The moments of a step a fault can start at (`at:`)."""


@dataclass(frozen=True)
class StepStart:
    """A fault's start tied to runbook step `step`: `after` seconds past its start or end."""

    step: str
    at: str = "start"  # one of STEP_MOMENTS
    after: float = 0.0
    where: Location | None = field(default=None, compare=False)  # the `step:` value, for errors


@dataclass(frozen=True)
class Fault:
    """A fault, active from `start` for `duration` seconds (None: for ever)."""

    kind: ClassVar[str] = ""
    start: float | StepStart = 0.0
    duration: float | None = None

    def active(self, since: float | None) -> bool:
        """Whether the fault acts `since` seconds after it began (None: its step has not come)."""
        if since is None or since < 0:
            return False
        return self.duration is None or since < self.duration

    @property
    def label(self) -> str:
        """How the debrief names it."""
        return self.kind.replace("_", " ")


@dataclass(frozen=True)
class BadImage(Fault):
    """Instances on `image` answer user requests with 5xx (their health check still passes)."""

    kind: ClassVar[str] = "bad_image"
    image: str = ""
    error_rate: float = 0.5


@dataclass(frozen=True)
class SlowImage(Fault):
    """Instances on `image` answer `extra_latency` seconds slower."""

    kind: ClassVar[str] = "slow_image"
    image: str = ""
    extra_latency: float = 0.8


@dataclass(frozen=True)
class ReplicaLag(Fault):
    """The Blue/Green green replica falls behind: lag rises to `peak` seconds over `rise`, then
    decays back to ~0 over `decay`."""

    kind: ClassVar[str] = "replica_lag"
    deployment: str = "orders-bgd"
    peak: float = 45.0
    rise: float = 30.0
    decay: float = 300.0

    def lag(self, since: float) -> float:
        """The replica lag in seconds, `since` seconds after the fault began."""
        if since < 0:
            return 0.0
        if since < self.rise:
            return self.peak * since / self.rise
        after_peak = since - self.rise
        return max(0.0, self.peak * (1 - after_peak / self.decay)) if self.decay else 0.0


@dataclass(frozen=True)
class LongWrite(Fault):
    """A long-running write (or DDL) holds the blue database, which blocks a switchover, and
    the green replica falls behind while it runs: its lag rises to `peak` seconds over `rise`
    and holds there until the write ends ("Long-running transactions can cause significant
    replica lag", RDS User Guide, Blue/Green best practices)."""

    kind: ClassVar[str] = "long_write"
    db_instance: str = "orders-db"
    deployment: str = "orders-bgd"
    peak: float = 60.0
    rise: float = 120.0

    def lag(self, since: float) -> float:
        """The green replica's lag in seconds, `since` seconds after the write began."""
        if not self.active(since):
            return 0.0
        return self.peak * min(1.0, since / self.rise) if self.rise else self.peak


@dataclass(frozen=True)
class Throttling(Fault):
    """A share of the operator's calls to `service` are throttled."""

    kind: ClassVar[str] = "throttling"
    service: str = "autoscaling"
    share: float = 0.5


@dataclass(frozen=True)
class StatusCheckFailure(Fault):
    """The host under one instance of `group` fails: StatusCheckFailed_System goes to 1."""

    kind: ClassVar[str] = "status_check_failure"
    group: str = "web-asg"


@dataclass(frozen=True)
class BadTaskDefinition(Fault):
    """Tasks of `task_definition` (family:revision) fail to start."""

    kind: ClassVar[str] = "bad_task_definition"
    task_definition: str = "api:2"


@dataclass(frozen=True)
class AzOutage(Fault):
    """Everything in `zone` stops answering: its targets fail their health checks from the
    start, and each target group marks them unhealthy after its own HealthCheckIntervalSeconds
    × UnhealthyThresholdCount (the target health extension counts the failures)."""

    kind: ClassVar[str] = "az_outage"
    zone: str = "us-east-1a"


FAULT_KINDS: dict[str, type[Fault]] = {
    cls.kind: cls
    for cls in (
        BadImage,
        SlowImage,
        ReplicaLag,
        LongWrite,
        Throttling,
        StatusCheckFailure,
        BadTaskDefinition,
        AzOutage,
    )
}


@dataclass(frozen=True)
class ScenarioSpec:
    """A named set of faults, as written in tui/rehearsal/scenarios/*.yaml."""

    name: str
    title: str = ""
    description: str = ""
    faults: tuple[Fault, ...] = field(default_factory=tuple)

    def step_starts(self) -> list[StepStart]:
        """The faults' starts that wait for a runbook step."""
        return [f.start for f in self.faults if isinstance(f.start, StepStart)]
