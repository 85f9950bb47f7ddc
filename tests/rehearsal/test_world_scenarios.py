"""Each scenario produces its fault, seen through the AWS APIs; the healthy one produces none."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.rehearsal.world_drill import alb_error_rate, run_for, set_listener_weights, start_world
from tui.aws.resolve import elb_dimension
from tui.rehearsal import names
from tui.rehearsal.fidelity import throttling
from tui.rehearsal.topology import green_instance


@pytest.fixture
def world(request):
    started = start_world(request.param)
    yield started
    started.stop()
    throttling.clear()


def _latest(world, namespace: str, metric: str, dims: dict[str, str], stat: str) -> float | None:
    now = world.clock.now()
    result = world.clients.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": metric,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    },
                    "Period": 60,
                    "Stat": stat,
                },
            }
        ],
        StartTime=now - timedelta(minutes=2),
        EndTime=now,
    )["MetricDataResults"][0]
    return result["Values"][0] if result["Values"] else None


def _switchover(world, timeout: int = 300):
    return world.clients.client("rds").switchover_blue_green_deployment(
        BlueGreenDeploymentIdentifier=world.seeded["blue_green"], SwitchoverTimeout=timeout
    )


@pytest.mark.parametrize("world", ["healthy"], indirect=True)
def test_healthy_world_serves_without_errors_and_is_ready_to_switch_over(world) -> None:
    set_listener_weights(world, 50, 50)
    run_for(world, 180)
    assert alb_error_rate(world) < 0.5
    assert world.simulator.ledger.fault_started == {}
    status = world.clients.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"][
        0
    ]["Status"]
    assert status == "AVAILABLE"
    green = green_instance(world.clients, names.BLUE_GREEN)
    assert _latest(world, "AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": green}, "Maximum") == 0


@pytest.mark.parametrize("world", ["slow-release"], indirect=True)
def test_slow_release_raises_green_p99_latency(world) -> None:
    lb = elb_dimension(world.seeded["load_balancer"])
    run_for(world, 60)
    before = _latest(world, "AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer": lb}, "p99")
    set_listener_weights(world, 0, 100)
    run_for(world, 120)
    after = _latest(world, "AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer": lb}, "p99")
    assert before < 0.3 < 0.8 < after


@pytest.mark.parametrize("world", ["replica-lag"], indirect=True)
def test_replica_lag_spikes_blocks_the_switchover_then_decays(world) -> None:
    green = green_instance(world.clients, names.BLUE_GREEN)
    dims = {"DBInstanceIdentifier": green}
    world.step_reached("switchover", "start")  # the scenario's lag starts with that step
    run_for(world, 10)  # (GetMetricData's EndTime is exclusive)
    assert _latest(world, "AWS/RDS", "ReplicaLag", dims, "Maximum") >= 40
    # RDS's own guardrail refuses when the lag could not be caught up within the timeout; the
    # stricter "ReplicaLag about 0" belongs to the runbook's precondition (the engine's job).
    with pytest.raises(ClientError) as refused:
        _switchover(world, timeout=30)
    assert refused.value.response["Error"]["Code"] == "InvalidBlueGreenDeploymentStateFault"
    run_for(world, 690, interval=30)  # past the 10-minute decay, and its minute
    assert _latest(world, "AWS/RDS", "ReplicaLag", dims, "Maximum") < 1


@pytest.mark.parametrize("world", ["long-write"], indirect=True)
def test_a_long_write_on_blue_refuses_the_switchover_until_it_ends(world) -> None:
    """RDS User Guide, Blue/Green best practices: "Long-running transactions can cause
    significant replica lag." The green's ReplicaLag climbs while the write runs."""
    dims = {"DBInstanceIdentifier": green_instance(world.clients, names.BLUE_GREEN)}
    run_for(world, 900, interval=60)  # the step comes late: the write waits for it
    assert not _latest(world, "AWS/RDS", "ReplicaLag", dims, "Maximum")
    world.step_reached("switchover", "start")
    run_for(world, 20)
    with pytest.raises(ClientError, match="long-running"):
        _switchover(world)
    assert 0 < _latest(world, "AWS/RDS", "ReplicaLag", dims, "Maximum") < 20
    run_for(world, 130)  # the lag has reached its peak (60 s over 2 minutes) and holds
    assert _latest(world, "AWS/RDS", "ReplicaLag", dims, "Maximum") == 60
    run_for(world, 480, interval=60)
    _switchover(world)  # the write is over, the lag with it: accepted


@pytest.mark.parametrize("world", ["throttling"], indirect=True)
def test_throttling_answers_the_operators_calls_with_throttling(world) -> None:
    run_for(world, 10)  # the simulator, spared, keeps the world moving
    operator = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    ).client("autoscaling", config=Config(retries={"total_max_attempts": 1}))
    codes: list[str] = []
    for _ in range(200):
        try:
            operator.describe_auto_scaling_groups()
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
    assert set(codes) == {"ok", "Throttling"}
    # The scenario's "half of the requests", within four standard deviations of 200 draws.
    assert abs(codes.count("Throttling") / len(codes) - 0.5) < 0.15


@pytest.mark.parametrize("world", ["status-check-failure"], indirect=True)
def test_a_status_check_failure_impairs_one_web_host(world) -> None:
    ec2 = world.clients.client("ec2")

    def impaired() -> list[str]:
        statuses = ec2.describe_instance_status()["InstanceStatuses"]
        return [s["InstanceId"] for s in statuses if s["SystemStatus"]["Status"] == "impaired"]

    assert impaired() == []
    run_for(world, 70)
    victims = impaired()
    assert len(victims) == 1
    run_for(world, 120)
    assert (
        _latest(world, "AWS/EC2", "StatusCheckFailed_System", {"InstanceId": victims[0]}, "Maximum")
        == 1
    )


@pytest.mark.parametrize("world", ["failed-ecs-deployment"], indirect=True)
def test_a_failed_ecs_deployment_trips_the_circuit_breaker_and_rolls_back(world) -> None:
    run_for(world, 10)
    ecs = world.clients.client("ecs")
    ecs.update_service(cluster="shop", service="api", taskDefinition="api:2")
    run_for(world, 900, interval=30)
    service = ecs.describe_services(cluster="shop", services=["api"])["services"][0]
    assert service["taskDefinition"].endswith("api:1")
    assert any(
        d.get("rolloutState") == "FAILED" or d["taskDefinition"].endswith("api:1")
        for d in service["deployments"]
    )
    assert service["runningCount"] == 4


@pytest.mark.parametrize("world", ["az-outage"], indirect=True)
def test_an_az_outage_fails_requests_until_health_checks_route_around_it(world) -> None:
    run_for(world, 170)
    assert alb_error_rate(world) < 0.5
    run_for(world, 30)  # the outage begins at 3m; health checks have not yet noticed
    assert alb_error_rate(world) > 10  # half the blue targets are in us-east-1a
    run_for(world, 240)  # interval x unhealthy threshold of failed checks: routed around
    assert alb_error_rate(world) < 0.5
    health = world.clients.client("elbv2").describe_target_health(
        TargetGroupArn=world.seeded["target_group:blue"]
    )["TargetHealthDescriptions"]
    states = [h["TargetHealth"]["State"] for h in health]
    assert states.count("healthy") == 2  # us-east-1b's; the dark zone's serve nothing
    # web-asg checks ELB health: it replaces the dark zone's unhealthy instances (their
    # replacements, in the same zone, are `initial` or `unhealthy` in turn).
    causes = [
        a["Cause"]
        for a in world.clients.client("autoscaling").describe_scaling_activities(
            AutoScalingGroupName=names.WEB_ASG
        )["Activities"]
    ]
    assert any("in response to an ELB system health check failure" in c for c in causes)


@pytest.mark.parametrize("world", ["az-outage"], indirect=True)
def test_an_az_outages_targets_turn_unhealthy_after_the_groups_detection_window(world) -> None:
    """ELB User Guide, "Health checks for your target groups": UnhealthyThresholdCount is "The
    number of consecutive failed health checks required before considering a target
    unhealthy", one every HealthCheckIntervalSeconds; the scenario says the window it gives."""
    elbv2 = world.clients.client("elbv2")
    arn = world.seeded["target_group:blue"]
    group = elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]
    window = group["HealthCheckIntervalSeconds"] * group["UnhealthyThresholdCount"]
    assert f"about {window} s" in world.simulator.faults.spec.description

    def unhealthy() -> int:
        # Unhealthy, or already draining: web-asg checks ELB health and may start replacing an
        # unhealthy target within the same health-check round (test_health_replacement.py).
        health = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        return sum(h["TargetHealth"]["State"] in ("unhealthy", "draining") for h in health)

    run_for(world, 180, interval=5)  # the outage begins now
    waited = 0
    while not unhealthy():
        run_for(world, 5, interval=5)
        waited += 5
        assert waited <= window + 5, "the zone's targets were never marked unhealthy"
    assert window <= waited <= window + 5
