"""ECS rolling updates, checked against the Amazon ECS Developer Guide.

Documented behaviour checked here:
- UpdateService with a new task definition creates a new PRIMARY deployment beside the old one
  (now ACTIVE); the scheduler keeps RUNNING tasks at or above minimumHealthyPercent (rounded up)
  and RUNNING + PENDING at or below maximumPercent (rounded down) of the desired count; the old
  deployment is drained and removed and rolloutState goes IN_PROGRESS -> COMPLETED.
- The deployment circuit breaker fails a deployment whose tasks fail to start once failures reach
  its threshold (0.5 x desired count, at least 3), stops launching tasks, and with rollback
  rolls the service back to the last COMPLETED deployment's task definition.
- With deployment alarms enabled, an alarm in ALARM fails the deployment (and rolls it back).
- UpdateService with an unknown task definition is a ClientException.
"""

from __future__ import annotations

import math

import pytest
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.ecs import rollout


def _settle(aws, shop, seconds: int = 120) -> None:
    aws.clock.advance(seconds)
    assert shop.api()["deployments"][0]["rolloutState"] == "COMPLETED"


@pytest.mark.parametrize(("minimum", "maximum"), [(100, 200), (50, 150), (75, 100)])
def test_a_rollout_replaces_every_task_within_min_healthy_and_max_percent(
    aws, shop, minimum: int, maximum: int
) -> None:
    shop.create_api(4, minimumHealthyPercent=minimum, maximumPercent=maximum)
    _settle(aws, shop)
    floor, ceiling = math.ceil(4 * minimum / 100), math.floor(4 * maximum / 100)

    shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)
    started = shop.api()
    assert [(d["status"], d["taskDefinition"]) for d in started["deployments"]] == [
        ("PRIMARY", shop.td2),
        ("ACTIVE", shop.td1),
    ]
    assert started["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert started["taskDefinition"] == shop.td2

    seen_new_running = []
    for _ in range(60):
        service = shop.api()
        assert service["runningCount"] >= floor, "dropped below minimumHealthyPercent"
        assert service["runningCount"] + service["pendingCount"] <= ceiling
        seen_new_running.append(service["deployments"][0]["runningCount"])
        if service["deployments"][0]["rolloutState"] == "COMPLETED":
            break
        aws.clock.advance(5)
    else:
        pytest.fail("the rollout never completed")

    assert seen_new_running[0] == 0 and seen_new_running[-1] == 4
    assert len(service["deployments"]) == 1, "the drained deployment is removed"
    primary = service["deployments"][0]
    assert primary["taskDefinition"] == shop.td2
    assert (primary["runningCount"], primary["pendingCount"], primary["failedTasks"]) == (4, 0, 0)
    assert primary["rolloutStateReason"] == f"ECS deployment {primary['id']} completed."
    assert "has reached a steady state" in service["events"][0]["message"]
    assert rollout.running_tasks_by_task_definition(aws.time, "shop", "api") == {shop.td2: 4}


def test_progress_follows_the_clock_not_how_often_anyone_asks(aws, shop) -> None:
    shop.create_api(2)
    for _ in range(20):
        assert shop.api()["runningCount"] == 0
    aws.clock.advance(30)
    assert shop.api()["runningCount"] == 2


def test_the_world_ticking_moves_rollouts_without_any_api_call(aws, shop) -> None:
    shop.create_api(2)
    aws.clock.advance(30)
    aws.tick()
    assert rollout.running_tasks_by_task_definition(aws.time, "shop", "api") == {shop.td1: 2}


def test_a_bad_task_definition_trips_the_breaker_and_rolls_back(aws, shop) -> None:
    shop.create_api(4, deploymentCircuitBreaker={"enable": True, "rollback": True})
    _settle(aws, shop)
    rollout.mark_task_definition_bad(aws.time, shop.td2)

    failed_id = shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)[
        "service"
    ]["deployments"][0]["id"]
    failed_seen = None
    for _ in range(60):
        service = shop.api()
        assert service["runningCount"] >= 4, "the old tasks keep serving while the new fail"
        failed = next((d for d in service["deployments"] if d["id"] == failed_id), None)
        if failed and failed["rolloutState"] == "FAILED":
            failed_seen = failed
        if failed is None and service["deployments"][0]["rolloutState"] == "COMPLETED":
            break
        aws.clock.advance(5)
    else:
        pytest.fail("the rollback never completed")

    assert failed_seen is not None
    assert failed_seen["failedTasks"] >= 3  # threshold: max(3, ceil(0.5 * 4))
    assert failed_seen["rolloutStateReason"] == (
        "ECS deployment circuit breaker: tasks failed to start."
    )
    assert service["taskDefinition"] == shop.td1
    assert [d["taskDefinition"] for d in service["deployments"]] == [shop.td1]
    assert service["runningCount"] == 4
    messages = [e["message"] for e in service["events"]]
    assert any(f"(deployment {failed_id}) deployment failed" in m for m in messages)
    stopped = shop.ecs.list_tasks(cluster="shop", serviceName="api", desiredStatus="STOPPED")
    failures = [
        t
        for t in shop.ecs.describe_tasks(cluster="shop", tasks=stopped["taskArns"])["tasks"]
        if t["taskDefinitionArn"] == shop.td2
    ]
    assert failures and all(t["stopCode"] == "TaskFailedToStart" for t in failures)
    assert rollout.running_tasks_by_task_definition(aws.time, "shop", "api") == {shop.td1: 4}


def test_without_rollback_a_failed_deployment_stops_launching_tasks(aws, shop) -> None:
    shop.create_api(4, deploymentCircuitBreaker={"enable": True, "rollback": False})
    _settle(aws, shop)
    rollout.mark_task_definition_bad(aws.time, shop.td2)
    shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)
    aws.clock.advance(120)
    service = shop.api()
    primary = service["deployments"][0]
    assert (primary["status"], primary["rolloutState"]) == ("PRIMARY", "FAILED")
    assert primary["pendingCount"] == 0
    failed_then = primary["failedTasks"]
    aws.clock.advance(300)
    assert shop.api()["deployments"][0]["failedTasks"] == failed_then
    assert rollout.running_tasks_by_task_definition(aws.time, "shop", "api") == {shop.td1: 4}


def test_without_the_breaker_a_bad_deployment_keeps_retrying(aws, shop) -> None:
    shop.create_api(2)
    _settle(aws, shop)
    rollout.mark_task_definition_bad(aws.time, shop.td2)
    shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)
    aws.clock.advance(600)
    primary = shop.api()["deployments"][0]
    assert primary["rolloutState"] == "IN_PROGRESS"
    assert primary["failedTasks"] >= 20


def test_a_deployment_alarm_in_alarm_fails_and_rolls_back(aws, shop) -> None:
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="api-5xx",
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    shop.create_api(2, alarms={"alarmNames": ["api-5xx"], "enable": True, "rollback": True})
    _settle(aws, shop)
    shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)
    aws.clock.advance(10)
    cloudwatch.set_alarm_state(AlarmName="api-5xx", StateValue="ALARM", StateReason="test")
    aws.clock.advance(5)
    service = shop.api()
    failed = [d for d in service["deployments"] if d["rolloutState"] == "FAILED"]
    assert failed and "api-5xx" in failed[0]["rolloutStateReason"]
    assert service["taskDefinition"] == shop.td1
    cloudwatch.set_alarm_state(AlarmName="api-5xx", StateValue="OK", StateReason="test")
    aws.clock.advance(120)
    assert rollout.running_tasks_by_task_definition(aws.time, "shop", "api") == {shop.td1: 2}


def test_a_stopped_task_is_replaced(aws, shop) -> None:
    shop.create_api(2)
    _settle(aws, shop)
    victim = shop.ecs.list_tasks(cluster="shop", serviceName="api")["taskArns"][0]
    shop.ecs.stop_task(cluster="shop", task=victim, reason="chaos")
    assert shop.api()["runningCount"] == 1
    aws.clock.advance(30)
    assert shop.api()["runningCount"] == 2
    assert victim not in shop.ecs.list_tasks(cluster="shop", serviceName="api")["taskArns"]


def test_force_new_deployment_replaces_tasks_on_the_same_revision(aws, shop) -> None:
    shop.create_api(2)
    _settle(aws, shop)
    before = set(shop.ecs.list_tasks(cluster="shop", serviceName="api")["taskArns"])
    shop.ecs.update_service(cluster="shop", service="api", forceNewDeployment=True)
    assert len(shop.api()["deployments"]) == 2
    _settle(aws, shop)
    after = set(shop.ecs.list_tasks(cluster="shop", serviceName="api")["taskArns"])
    assert len(after) == 2 and not before & after


def test_desired_count_scales_the_primary_deployment(aws, shop) -> None:
    shop.create_api(2)
    _settle(aws, shop)
    shop.ecs.update_service(cluster="shop", service="api", desiredCount=3)
    assert shop.api()["pendingCount"] == 1
    aws.clock.advance(30)
    assert shop.api()["runningCount"] == 3
    shop.ecs.update_service(cluster="shop", service="api", desiredCount=1)
    assert shop.api()["runningCount"] == 1


def test_an_unknown_task_definition_is_a_client_exception(aws, shop) -> None:
    shop.create_api(1)
    with pytest.raises(ClientError) as caught:
        shop.ecs.update_service(cluster="shop", service="api", taskDefinition="api:9")
    assert caught.value.response["Error"]["Code"] == "ClientException"


def test_knobs_refuse_what_is_not_an_ecs_arn(aws) -> None:
    with pytest.raises(ValueError, match="not an ECS ARN"):
        rollout.mark_task_definition_bad(aws.time, "api:2")
