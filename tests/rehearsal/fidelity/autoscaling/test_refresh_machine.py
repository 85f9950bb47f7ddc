"""The refresh state machine's promises, over many group sizes and preferences (no moto).

The boto3 tests in test_instance_refresh.py show one refresh each; here hypothesis drives the
pure machine through a small in-memory group (its own `GroupPort`, not a stand-in for boto3) to
check what AWS promises for every combination:
- in service never drops below MinHealthyPercentage of desired capacity (rounded up), except
  that a minimum that leaves no room still replaces one instance at a time;
- in-service-or-launching never exceeds MaxHealthyPercentage (when above 100);
- the refresh ends Successful with every instance on the desired configuration, which the group
  then takes, and a rollback ends with every instance back on the previous one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.rehearsal.fidelity.autoscaling import refresh_machine
from tui.rehearsal.fidelity.autoscaling.refresh_records import Member, Preferences, Refresh

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class FakeGroup:
    """An in-memory Auto Scaling group: instances launch healthy and InService."""

    def __init__(self, size: int, config: str = "v1") -> None:
        self.size = size
        self.config = config
        self.instances: dict[str, Member] = {}
        self.counter = 0
        for _ in range(size):
            self._add(config, T0 - timedelta(hours=1))

    def _add(self, config: str, at: datetime) -> str:
        self.counter += 1
        instance_id = f"i-{self.counter:04d}"
        self.instances[instance_id] = Member(instance_id, config, at, True, True)
        return instance_id

    def desired_capacity(self) -> int:
        return self.size

    def members(self, at: datetime) -> list[Member]:
        return list(self.instances.values())

    def launch(self, config: str, count: int, at: datetime) -> list[str]:
        return [self._add(config, at) for _ in range(count)]

    def terminate(self, instance_ids: list[str], at: datetime) -> None:
        for instance_id in instance_ids:
            del self.instances[instance_id]

    def alarms_in_alarm(self, names: Iterable[str]) -> list[str]:
        return []

    def apply(self, config: str) -> None:
        self.config = config


def serving(group: FakeGroup, refresh: Refresh, at: datetime) -> int:
    """Instances that count as in service at `at`: new ones only after their warmup."""
    warmup = timedelta(seconds=refresh.preferences.warmup)
    return sum(
        1
        for m in group.instances.values()
        if m.instance_id not in refresh.launched or at >= m.launched_at + warmup
    )


def run(group: FakeGroup, refresh: Refresh, until: datetime) -> list[tuple]:
    """Advance second by second; return (in service, total) at each second."""
    samples = []
    at = T0
    while at <= until and refresh.active:
        refresh_machine.advance(refresh, group, at)
        samples.append((serving(group, refresh, at), len(group.instances)))
        at += timedelta(seconds=1)
    return samples


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=8),
    min_healthy=st.integers(min_value=0, max_value=100),
    extra=st.integers(min_value=0, max_value=100),
    warmup=st.integers(min_value=0, max_value=30),
)
def test_batches_respect_min_and_max_healthy_and_finish(size, min_healthy, extra, warmup) -> None:
    max_healthy = min(200, 100 + extra) if extra else 100
    if max_healthy - min_healthy > 100:
        max_healthy = min_healthy + 100
    group = FakeGroup(size)
    prefs = Preferences(min_healthy=min_healthy, max_healthy=max_healthy, warmup=warmup)
    refresh = refresh_machine.plan("r-1", "g", group.members(T0), prefs, "v2", "v1", True, True, T0)
    samples = run(group, refresh, T0 + timedelta(hours=2))

    assert refresh.status == "Successful"
    assert {m.config for m in group.instances.values()} == {"v2"}
    assert len(group.instances) == size
    assert group.config == "v2"
    minimum = math.ceil(size * min_healthy / 100)
    floor = minimum if max_healthy > 100 else min(minimum, size - 1)
    assert min(s for s, _ in samples) >= floor
    if max_healthy > 100:
        ceiling = max(size + 1, math.floor(size * max_healthy / 100))
        assert max(total for _, total in samples) <= ceiling
    else:
        assert max(total for _, total in samples) == size


@settings(max_examples=30, deadline=None)
@given(
    size=st.integers(min_value=2, max_value=8),
    min_healthy=st.integers(min_value=0, max_value=90),
    stop_after=st.integers(min_value=2, max_value=40),
)
def test_rollback_restores_the_previous_configuration(size, min_healthy, stop_after) -> None:
    group = FakeGroup(size)
    prefs = Preferences(min_healthy=min_healthy, warmup=10)
    refresh = refresh_machine.plan("r-1", "g", group.members(T0), prefs, "v2", "v1", True, True, T0)
    run(group, refresh, T0 + timedelta(seconds=stop_after))
    if not refresh.active:
        return  # small groups may finish first; nothing left to roll back
    at = T0 + timedelta(seconds=stop_after + 1)
    refresh_machine.start_rollback(refresh, group, at, "test")
    while refresh.active and at < T0 + timedelta(hours=2):
        refresh_machine.advance(refresh, group, at)
        at += timedelta(seconds=1)
    assert refresh.status == "RollbackSuccessful"
    assert {m.config for m in group.instances.values()} == {"v1"}
    assert group.config == "v1"  # a rolled-back refresh never changed the group
    assert len(group.instances) == size


def test_checkpoints_pace_replacements_and_wait() -> None:
    group = FakeGroup(10)
    prefs = Preferences(min_healthy=50, warmup=10, checkpoints=(20, 50, 100), checkpoint_delay=100)
    refresh = refresh_machine.plan("r", "g", group.members(T0), prefs, "v2", "v1", True, True, T0)
    new_counts = []
    at = T0
    while refresh.active and at < T0 + timedelta(hours=1):
        refresh_machine.advance(refresh, group, at)
        new_counts.append(sum(m.config == "v2" for m in group.instances.values()))
        at += timedelta(seconds=1)
    # AWS's example: 10 instances, [20, 50, 100] -> 2 new, pause, 5 new, pause, all new.
    assert new_counts.count(2) >= 100 and new_counts.count(5) >= 100
    assert refresh.status == "Successful"


class SlowHealthGroup(FakeGroup):
    """A group behind a load balancer: a new instance is healthy only `delay` seconds after its
    launch (HealthyThresholdCount x HealthCheckIntervalSeconds), which may outlast its warmup."""

    def __init__(self, size: int, delay: int) -> None:
        super().__init__(size)
        self.delay = timedelta(seconds=delay)

    def members(self, at: datetime) -> list[Member]:
        return [
            Member(m.instance_id, m.config, m.launched_at, True, at >= m.launched_at + self.delay)
            for m in self.instances.values()
        ]


def test_a_new_instance_still_failing_its_health_check_holds_the_next_batch() -> None:
    """asg-instance-refresh's shape: 4 instances, MinHealthyPercentage 75, warmup 60 s, and a
    target that passes the load balancer's check 150 s after launch. One at a time: the next
    instance is terminated only once the previous replacement is healthy, never two at once."""
    group = SlowHealthGroup(4, delay=150)
    prefs = Preferences(min_healthy=75, warmup=60)
    refresh = refresh_machine.plan("r", "g", group.members(T0), prefs, "v2", "v1", True, True, T0)
    healthy = []
    at = T0
    while refresh.active and at < T0 + timedelta(hours=1):
        refresh_machine.advance(refresh, group, at)
        healthy.append(sum(m.healthy for m in group.members(at)))
        at += timedelta(seconds=1)
    assert refresh.status == "Successful"
    assert {m.config for m in group.instances.values()} == {"v2"}
    assert min(healthy) == 3
