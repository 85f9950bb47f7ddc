"""Faults timed from a runbook step: in the world, and in its metrics, the moment the session says
the step has begun, however long the world ran before (the speed, a busy machine), and at once
for `turnout world`, which no session tells."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from tests.rehearsal.world_drill import run_for, start_world
from tui.clock import ManualClock
from tui.rehearsal import names
from tui.rehearsal.faults import ReplicaLag, ScenarioSpec, StepStart
from tui.rehearsal.scenario import Scenario, load_scenario
from tui.rehearsal.topology import green_instance
from tui.rehearsal.world import World


def _replica_lag_read_now(world: World) -> float | None:
    """ReplicaLag (Maximum) as a precondition reads it: the newest minute, EndTime now."""
    green = green_instance(world.clients, names.BLUE_GREEN)
    now = world.clock.now()
    result = world.clients.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "lag",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/RDS",
                        "MetricName": "ReplicaLag",
                        "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": green}],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
            }
        ],
        StartTime=now - timedelta(minutes=5),
        EndTime=now,
        ScanBy="TimestampDescending",
    )["MetricDataResults"][0]
    return result["Values"][0] if result["Values"] else None


def _run(world: World, seconds: float, interval: float = 30.0) -> None:
    """`run_for`, then a second more: a read comes after the last publication (EndTime is
    exclusive), as on any clock that runs."""
    run_for(world, seconds, interval)
    world.clock.advance(1.0)  # type: ignore[attr-defined]


def _switch_over(world: World, timeout: int) -> str | None:
    try:
        world.clients.client("rds").switchover_blue_green_deployment(
            BlueGreenDeploymentIdentifier=world.seeded["blue_green"], SwitchoverTimeout=timeout
        )
    except ClientError as refused:
        return refused.response["Error"]["Code"]
    return None


@pytest.fixture
def lagging():
    world = start_world("replica-lag")
    yield world
    world.stop()


@pytest.mark.parametrize("late", [0, 600, 3600], ids=lambda s: f"step-{s}s-late")
def test_replica_lag_is_there_as_the_switchover_step_begins_however_late(lagging, late) -> None:
    """RDS User Guide, "Switching a blue/green deployment in Amazon RDS", Switchover guardrails:
    "Replication lag – Checks if the green primary DB instance replica lag is within allowable
    limits for switchover. The allowable limits are based on the specified timeout period."
    And "Monitoring MariaDB read replicas": "When the ReplicaLag metric reaches 0, the replica
    has caught up to the source DB instance."

    The replica-lag drill teaches that the runbook's precondition (and RDS's guardrail) refuse
    while green is behind. Timed from the world's start, the lag had decayed by the time a
    late switchover step came (30x on a loaded machine: exit 0; 60x on a quiet one: exit 5).
    Timed from the step, the lag is in the metrics the step reads, whenever it comes."""
    _run(lagging, 60 + late, interval=60)  # the world has metrics, then runs `late` more
    assert _replica_lag_read_now(lagging) == 0  # nothing yet: the step has not come
    lagging.step_reached("snapshot", "start")  # another step: not the lag's
    assert _replica_lag_read_now(lagging) == 0

    lagging.step_reached("switchover", "start")
    assert _replica_lag_read_now(lagging) >= 44  # read at once, as the precondition does
    assert _switch_over(lagging, timeout=30) == "InvalidBlueGreenDeploymentStateFault"

    _run(lagging, 660)  # ten minutes' decay, and its minute
    assert _replica_lag_read_now(lagging) < 1
    assert _switch_over(lagging, timeout=300) is None  # caught up: RDS accepts


def test_a_step_reached_again_does_not_restart_the_fault(lagging) -> None:
    _run(lagging, 60, interval=60)
    lagging.step_reached("switchover", "start")
    _run(lagging, 300)
    halfway = _replica_lag_read_now(lagging)
    lagging.step_reached("switchover", "start")  # a retried step: the first start counts
    _run(lagging, 60)  # the next minute's maximum
    assert 0 < _replica_lag_read_now(lagging) < halfway < 45


def test_a_running_simulator_publishes_the_fault_before_step_reached_returns() -> None:
    # The loop of a served world (here in-process, on a clock that only moves when told, so
    # nothing but the wake can make it turn): step_reached waits for its next turn.
    world = World(clock=ManualClock(), faults=load_scenario("replica-lag"), serve=False)
    world.start()
    try:
        assert world.simulator.faults.replica_lag == 0  # whatever turns the loop has taken
        world.step_reached("switchover", "start")
        assert _replica_lag_read_now(world) == 45
    finally:
        world.stop()


def test_after_and_end_time_a_fault_from_the_step_done() -> None:
    spec = ScenarioSpec(
        "late-lag",
        faults=(ReplicaLag(start=StepStart("snapshot", "end", after=60.0), rise=0.0),),
    )
    scenario = Scenario(spec)
    origin = ManualClock().now()
    scenario.begin(origin)
    lag = spec.faults[0]
    assert scenario.step_reached("snapshot", "start", origin) is False  # nothing waits for it
    assert scenario.since(lag, 100.0) is None
    assert scenario.step_reached("snapshot", "end", origin + timedelta(seconds=100)) is True
    assert scenario.since(lag, 130.0) == -30.0  # a minute after the step, not yet
    assert not lag.active(scenario.since(lag, 130.0))
    assert lag.active(scenario.since(lag, 160.0))


def test_turnout_world_starts_step_timed_faults_when_it_is_ready() -> None:
    # No session tells `turnout world` of its steps: its step-timed faults start at once.
    scenario = load_scenario("replica-lag")
    origin = ManualClock().now()
    scenario.begin(origin)
    lag = scenario.spec.faults[0]
    assert scenario.since(lag, 0.0) is None
    scenario.steps_reached_now(origin)
    assert lag.active(scenario.since(lag, 0.0))
