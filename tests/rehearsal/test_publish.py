"""What the simulator publishes, and when CloudWatch can read it.

Documented behaviour checked: PutMetricData's MetricDatum.Timestamp is "The time the metric data
was received" when the datum carries none (CloudWatch API reference, MetricDatum), so what the
world publishes is readable at the time it is stamped with, however long the simulator's step
took to read the world first; and (Amazon RDS User Guide, "Switching a blue/green deployment")
"After you switch over, production traffic is routed to the DB instance and read replicas in the
green environment", while the old blue, renamed `<name>-old1`, is a DB instance that keeps
running, and "Amazon RDS automatically sends metric data to CloudWatch in 1-minute periods"
(User Guide, "Overview of Amazon RDS and Amazon CloudWatch") for each instance that runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.rehearsal.world_drill import run_for, start_world
from tui.aws.resolve import elb_dimension
from tui.clock import ManualClock
from tui.rehearsal import names
from tui.rehearsal.simulator import NoFaults
from tui.rehearsal.world import World

pytestmark = pytest.mark.slow


class SlowStep(NoFaults):
    """A step that takes world time while it reads the world, as on a busy machine at 60x."""

    def __init__(self, clock: ManualClock, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds

    def apply(self, now: datetime, *args: Any) -> None:
        self.clock.advance(self.seconds)


def newest(world: World, namespace: str, name: str, dims: dict[str, str]) -> datetime | None:
    """The timestamp of the newest one-second period holding `name`, or None."""
    now = world.clock.now()
    points = world.clients.client("cloudwatch").get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=1),
        Period=1,
        Statistics=["SampleCount"],
    )["Datapoints"]
    return max((p["Timestamp"] for p in points), default=None)


def test_a_datapoint_is_readable_at_the_time_it_is_stamped_with() -> None:
    clock = ManualClock()
    world = World(clock=clock, faults=SlowStep(clock, 8.0), serve=False, simulate=False).start()
    try:
        lb = {"LoadBalancer": elb_dimension(world.seeded["load_balancer"])}
        for _ in range(3):
            clock.advance(30)
            started = clock.now()
            world.simulator.step()  # reads the world for 8 world-seconds, then publishes
            assert clock.now() == started + timedelta(seconds=8)
            # Stamped as it was stored, so nothing read at `now` is missing later, and nothing
            # stamped earlier arrives after a read of that moment.
            assert newest(world, "AWS/ApplicationELB", "RequestCount", lb) == clock.now()
            db = {"DBInstanceIdentifier": names.DB_INSTANCE}
            assert newest(world, "AWS/RDS", "DatabaseConnections", db) == clock.now()
    finally:
        world.stop()


def test_the_old_blue_publishes_after_a_switchover_while_it_exists() -> None:
    world = start_world()
    try:
        rds = world.clients.client("rds")

        def deployment() -> dict:
            (found,) = [
                d
                for d in rds.describe_blue_green_deployments()["BlueGreenDeployments"]
                if d["BlueGreenDeploymentName"] == names.BLUE_GREEN
            ]
            return found

        rds.switchover_blue_green_deployment(
            BlueGreenDeploymentIdentifier=deployment()["BlueGreenDeploymentIdentifier"]
        )
        for _ in range(120):  # a bound only a broken switchover reaches (20 world-minutes)
            if deployment()["Status"] == "SWITCHOVER_COMPLETED":
                break
            run_for(world, 10)
        assert deployment()["Status"] == "SWITCHOVER_COMPLETED"
        switched = world.clock.now()
        run_for(world, 180)
        old = {"DBInstanceIdentifier": f"{names.DB_INSTANCE}-old1"}
        seen = newest(world, "AWS/RDS", "DatabaseConnections", old)
        assert seen is not None and seen > switched, "the old blue publishes after switchover"
        assert newest(world, "AWS/RDS", "CPUUtilization", old) == seen
        # The new primary (the green under the blue's name) is no replica any more: it
        # publishes its traffic's connections once a step, and no ReplicaLag.
        primary = {"DBInstanceIdentifier": names.DB_INSTANCE}
        assert newest(world, "AWS/RDS", "ReplicaLag", primary) is None
        counts = world.clients.client("cloudwatch").get_metric_statistics(
            Namespace="AWS/RDS",
            MetricName="DatabaseConnections",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": names.DB_INSTANCE}],
            StartTime=switched + timedelta(seconds=1),
            EndTime=world.clock.now() + timedelta(seconds=1),
            Period=1,
            Statistics=["SampleCount", "Minimum"],
        )["Datapoints"]
        assert counts and all(p["SampleCount"] == 1 and p["Minimum"] > 2 for p in counts)
    finally:
        world.stop()
