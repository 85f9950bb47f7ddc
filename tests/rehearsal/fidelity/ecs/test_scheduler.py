"""The rolling-update scheduler on its own, against the ECS Developer Guide's rules.

Documented behaviour checked here, for any desired count and deployment configuration that can
make progress: during a rolling update healthy RUNNING tasks never fall below
minimumHealthyPercent (rounded up) and RUNNING + PENDING never exceed maximumPercent (rounded
down); the update ends COMPLETED with every task on the new task definition; a task definition
whose tasks fail to start trips the circuit breaker, which rolls back to the last COMPLETED one.
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui.rehearsal.fidelity.ecs.scheduler import COMPLETED, FAILED, Config, ServiceRollout

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _rollout(desired: int, config: Config, bad: set[str]) -> ServiceRollout:
    ids = itertools.count()
    return ServiceRollout(
        name="api",
        desired_count=desired,
        config=config,
        is_bad=lambda td: "bad" if td in bad else None,
        firing_alarms=lambda names: [],
        new_id=lambda: str(next(ids)),
    )


@settings(max_examples=60, deadline=None)
@given(
    desired=st.integers(1, 12),
    minimum=st.integers(0, 100),
    maximum=st.integers(100, 200),
)
def test_a_rolling_update_stays_within_its_bounds_and_completes(
    desired: int, minimum: int, maximum: int
) -> None:
    floor = math.ceil(desired * minimum / 100)
    ceiling = math.floor(desired * maximum / 100)
    assume(floor < desired or ceiling > desired)  # otherwise ECS cannot replace any task
    rollout = _rollout(desired, Config(minimum, maximum), set())
    rollout.deploy("v1", T0)
    now = T0 + timedelta(minutes=5)
    rollout.advance(now)
    assert rollout.primary is not None and rollout.primary.rollout_state == COMPLETED

    rollout.deploy("v2", now)
    for step in range(1, 400):
        at = now + timedelta(seconds=5 * step)
        rollout.advance(at)
        live = sum(1 for t in rollout.tasks if t.live)
        healthy = sum(1 for t in rollout.tasks if t.healthy(at))
        assert live <= ceiling
        assert healthy >= floor
        if rollout.primary.rollout_state == COMPLETED:
            break
    assert rollout.primary.rollout_state == COMPLETED
    assert rollout.running_by_task_definition() == {"v2": desired}
    assert len(rollout.deployments) == 1


@settings(max_examples=30, deadline=None)
@given(desired=st.integers(1, 30))
def test_a_bad_update_trips_the_breaker_and_rolls_back(desired: int) -> None:
    rollout = _rollout(desired, Config(breaker_enable=True, breaker_rollback=True), {"v2"})
    rollout.deploy("v1", T0)
    now = T0 + timedelta(minutes=5)
    rollout.advance(now)
    rollout.deploy("v2", now)
    failed = rollout.primary
    rollout.advance(now + timedelta(minutes=30))
    assert failed is not None and failed.rollout_state == FAILED
    assert failed.failed_tasks >= min(200, max(3, math.ceil(desired / 2)))
    assert rollout.primary.task_definition == "v1"
    assert rollout.primary.rollout_state == COMPLETED
    assert rollout.running_by_task_definition() == {"v1": desired}
