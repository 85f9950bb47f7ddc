"""A service's tasks as DescribeTasks and ListTasks show them, per the ECS API Reference.

Documented behaviour checked here: a service's tasks carry their taskDefinitionArn, a group of
`service:<name>` and startedBy the deployment id; they are PENDING, then RUNNING once started
(and HEALTHY after the health grace), and stay so however often they are described (moto's own
tasks move one state per DescribeTasks); ListTasks returns RUNNING tasks unless desiredStatus
says otherwise, filters by serviceName, and refuses an unknown service with
ServiceNotFoundException; the cluster counts running and pending tasks.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _tasks(shop, **filters) -> list[dict]:
    arns = shop.ecs.list_tasks(cluster="shop", **filters)["taskArns"]
    if not arns:
        return []
    return shop.ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]


def test_service_tasks_show_their_task_definition_and_deployment(aws, shop) -> None:
    deployment = shop.create_api(3)["deployments"][0]["id"]
    tasks = _tasks(shop, serviceName="api")
    assert len(tasks) == 3
    for task in tasks:
        assert task["taskDefinitionArn"] == shop.td1
        assert task["group"] == "service:api"
        assert task["startedBy"] == deployment
        assert task["lastStatus"] == "PENDING"


def test_tasks_move_with_the_clock_not_with_describe_calls(aws, shop) -> None:
    shop.create_api(1)
    for _ in range(5):
        assert [t["lastStatus"] for t in _tasks(shop)] == ["PENDING"]
    aws.clock.advance(30)
    for _ in range(5):
        (task,) = _tasks(shop)
        assert (task["lastStatus"], task["healthStatus"]) == ("RUNNING", "UNKNOWN")
    aws.clock.advance(40)
    assert _tasks(shop)[0]["healthStatus"] == "HEALTHY"


def test_list_tasks_defaults_to_running_and_filters_stopped(aws, shop) -> None:
    shop.create_api(2)
    aws.clock.advance(120)
    shop.ecs.update_service(cluster="shop", service="api", taskDefinition=shop.td2)
    aws.clock.advance(120)
    running = _tasks(shop, serviceName="api")
    assert {t["taskDefinitionArn"] for t in running} == {shop.td2}
    stopped = _tasks(shop, serviceName="api", desiredStatus="STOPPED")
    assert {t["taskDefinitionArn"] for t in stopped} == {shop.td1}
    assert all(t["stopCode"] == "ServiceSchedulerInitiated" for t in stopped)
    assert all(t["stoppedReason"].startswith("Scaling activity initiated by") for t in stopped)


def test_list_tasks_for_an_unknown_service_is_refused(aws, shop) -> None:
    with pytest.raises(ClientError) as caught:
        shop.ecs.list_tasks(cluster="shop", serviceName="nope")
    assert caught.value.response["Error"]["Code"] == "ServiceNotFoundException"


def test_the_cluster_counts_the_service_tasks(aws, shop) -> None:
    shop.create_api(3)
    cluster = shop.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (0, 3)
    aws.clock.advance(30)
    cluster = shop.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (3, 0)


def test_deleting_the_service_stops_its_tasks(aws, shop) -> None:
    shop.create_api(2)
    aws.clock.advance(30)
    shop.ecs.delete_service(cluster="shop", service="api", force=True)
    assert _tasks(shop, serviceName="api") == []
