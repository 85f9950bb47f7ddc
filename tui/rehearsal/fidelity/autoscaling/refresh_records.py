"""What an instance refresh is made of, without moto: its preferences, phases and record, the
group members it sees, and the port through which `refresh_machine` acts on a group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# The statuses of a refresh (or its rollback) still under way, as DescribeInstanceRefreshes says.
ACTIVE = frozenset({"Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"})


@dataclass(frozen=True)
class Member:
    """An instance of the group as the refresh sees it at one moment."""

    instance_id: str
    config: str
    launched_at: datetime
    in_service: bool
    healthy: bool
    standby: bool = False
    protected: bool = False


class GroupPort(Protocol):
    """What the machine needs of an Auto Scaling group (moto's, or a test double's)."""

    def desired_capacity(self) -> int:
        """The group's desired capacity now."""
        ...

    def members(self, at: datetime) -> list[Member]:
        """The group's instances, with their health as of `at`."""
        ...

    def launch(self, config: str, count: int, at: datetime) -> list[str]:
        """Launch `count` instances on `config` at `at`; return their ids."""
        ...

    def terminate(self, instance_ids: list[str], at: datetime) -> None:
        """Take these instances out of the group and terminate them at `at`."""
        ...

    def alarms_in_alarm(self, names: Iterable[str]) -> list[str]:
        """Which of these CloudWatch alarms are in ALARM now."""
        ...

    def apply(self, config: str) -> None:
        """Make `config` the group's launch configuration (a successful refresh)."""
        ...


@dataclass(frozen=True)
class Preferences:
    """RefreshPreferences with AWS's defaults filled in."""

    min_healthy: int = 90
    max_healthy: int = 100
    warmup: int = 0
    checkpoints: tuple[int, ...] = ()
    checkpoint_delay: int = 3600
    skip_matching: bool = False
    auto_rollback: bool = False
    alarms: tuple[str, ...] = ()
    scale_in_protected: str = "Wait"
    standby: str = "Wait"
    bake_time: int = 0


@dataclass
class Phase:
    """One pass of replacements towards `target` (the refresh itself, or its rollback)."""

    target: str
    scope: set[str]
    total: int
    launched: set[str] = field(default_factory=set)
    ready: int = 0
    wait_since: datetime | None = None

    @property
    def percentage(self) -> int:
        """Share of the phase done, as AWS's PercentageComplete (rounded down)."""
        if self.total == 0:
            return 100
        return math.floor(100 * min(self.ready, self.total) / self.total)

    @property
    def to_update(self) -> int:
        """Instances still to replace (AWS's InstancesToUpdate)."""
        return max(0, self.total - self.ready)


@dataclass
class Rollback:
    """RollbackDetails: why and when the rollback began, the refresh's progress at that moment
    (AWS reports it as PercentageCompleteOnRollback / InstancesToUpdateOnRollback), and the
    rollback's own progress."""

    reason: str
    start_time: datetime
    phase: Phase
    percentage_at_start: int = 0
    to_update_at_start: int = 0


@dataclass
class Refresh:
    """One instance refresh of one group; `advance` moves it to a given time."""

    refresh_id: str
    group_name: str
    preferences: Preferences
    desired: str
    previous: str
    desired_given: bool
    rollback_allowed: bool
    start_time: datetime
    forward: Phase
    standby_to_terminate: list[str] = field(default_factory=list)
    status: str = "Pending"
    status_reason: str | None = None
    end_time: datetime | None = None
    cursor: datetime | None = None
    checkpoint_index: int = 0
    checkpoint_until: datetime | None = None
    bake_until: datetime | None = None
    cancel_at: datetime | None = None
    cancel_wait: bool = True
    rollback: Rollback | None = None

    @property
    def active(self) -> bool:
        """Whether the refresh (or its rollback) is still under way."""
        return self.status in ACTIVE

    @property
    def launched(self) -> set[str]:
        """Every instance this refresh launched, forward or back (they warm up before counting)."""
        return self.forward.launched | (self.rollback.phase.launched if self.rollback else set())
