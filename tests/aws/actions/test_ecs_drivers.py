"""ecs.update_service against the rehearsal world: a good rollout, and a bad one."""

from __future__ import annotations

import pytest

from tests.aws.actions.driving import context, follow, make_step, world_fixture
from tui.aws.actions.ecs import DRIVERS, UpdateServiceDriver
from tui.aws.protocol import CloudError
from tui.rehearsal import names

world = world_fixture("healthy")


def _service(world) -> dict:
    return world.clients.client("ecs").describe_services(
        cluster=names.ECS_CLUSTER, services=[names.ECS_SERVICE]
    )["services"][0]


def _running_revisions(world) -> dict[str, int]:
    """How many RUNNING tasks of the service each task definition has."""
    ecs = world.clients.client("ecs")
    arns = ecs.list_tasks(cluster=names.ECS_CLUSTER, serviceName=names.ECS_SERVICE)["taskArns"]
    counts: dict[str, int] = {}
    if arns:
        for task in ecs.describe_tasks(cluster=names.ECS_CLUSTER, tasks=arns)["tasks"]:
            if task["lastStatus"] == "RUNNING":
                revision = task["taskDefinitionArn"].rsplit("/", 1)[-1]
                counts[revision] = counts.get(revision, 0) + 1
    return counts


def _step(**extra):
    arguments = {"cluster": names.ECS_CLUSTER, "service": names.ECS_SERVICE}
    return make_step("ecs.update_service", **{"task_definition": "api:2", **arguments, **extra})


def test_the_module_offers_update_service() -> None:
    assert set(DRIVERS) == {"ecs.update_service"}


def test_rollout_to_api_2_completes_and_undo_rolls_back_to_api_1(world) -> None:
    step = _step(minimum_healthy_percent=50, maximum_percent=150)
    driver = UpdateServiceDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["task_definition"].endswith("task-definition/api:1")
    assert not UpdateServiceDriver(context(world, step), step).find_started(captured)

    started = driver.start()
    assert started.state == "running"
    config = _service(world)["deploymentConfiguration"]
    assert (config["minimumHealthyPercent"], config["maximumPercent"]) == (50, 150)
    assert config["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}

    resumed = UpdateServiceDriver(context(world, step), step)  # a restarted session
    assert resumed.find_started(captured)
    assert resumed.deployment_id == driver.deployment_id
    final, seen = follow(world, resumed.poll, interval=30, limit=1800)
    assert final.done, final
    deployments = final.detail["ecs"]["deployments"]
    assert [(d["task_definition"], d["rollout_state"]) for d in deployments] == [
        ("api:2", "COMPLETED")
    ]
    assert any(len(p.detail["ecs"]["deployments"]) == 2 for p in seen)  # old and new side by side
    assert _running_revisions(world) == {"api:2": 4}

    undo = resumed.undo(captured)
    assert undo.state == "running"
    final, _ = follow(world, resumed.poll_undo, interval=30, limit=1800)
    assert final.done, final
    service = _service(world)
    assert service["taskDefinition"].endswith("task-definition/api:1")
    assert service["deploymentConfiguration"] == captured["deployment_configuration"]
    assert _running_revisions(world) == {"api:1": 4}


def test_an_unknown_revision_is_refused_before_anything_changes(world) -> None:
    step = _step(task_definition="api:99")
    driver = UpdateServiceDriver(context(world, step), step)
    driver.capture()
    with pytest.raises(CloudError, match="api:99"):
        driver.start()
    assert _service(world)["taskDefinition"].endswith("task-definition/api:1")


@pytest.mark.parametrize("world", ["failed-ecs-deployment"], indirect=True)
def test_a_bad_api_2_is_reported_failed_with_the_circuit_breaker_reason(world) -> None:
    step = _step()
    driver = UpdateServiceDriver(context(world, step), step)
    captured = driver.capture()
    driver.start()
    final, _ = follow(world, driver.poll, interval=30, limit=1800)
    assert final.failed
    assert "circuit breaker" in final.reason and "rolling the service back to api:1" in final.reason
    failed = [d for d in final.detail["ecs"]["deployments"] if d["rollout_state"] == "FAILED"]
    assert failed and failed[0]["task_definition"] == "api:2" and failed[0]["failed"] > 0

    # Undo follows ECS's own rollback to api:1 rather than starting yet another deployment.
    driver.undo(captured)
    final, _ = follow(world, driver.poll_undo, interval=30, limit=1800)
    assert final.done, final
    assert _service(world)["taskDefinition"].endswith("task-definition/api:1")
    assert _running_revisions(world) == {"api:1": 4}

    # A session that crashed during all this and resumes now finds that UpdateService was sent
    # (ECS has dropped the failed deployment) and reports the failure instead of resending.
    resumed = UpdateServiceDriver(context(world, step), step)
    assert resumed.find_started(captured)
    again = resumed.poll()
    assert again.failed and "circuit breaker" in again.reason, again


def test_after_a_crash_mid_undo_the_rollout_back_is_followed_not_sent_again(world) -> None:
    step = _step()
    driver = UpdateServiceDriver(context(world, step), step)
    captured = driver.capture()
    driver.start()
    final, _ = follow(world, driver.poll, interval=30, limit=1800)
    assert final.done, final
    # Before the undo: ECS runs api:2, so nothing shows the undo made.
    assert UpdateServiceDriver(context(world, step), step).find_undone(captured) is None
    driver.undo(captured)  # UpdateService back to api:1 reached ECS, then the process died

    resumed = UpdateServiceDriver(context(world, step), step)
    found = resumed.find_undone(captured)
    assert found is not None
    final, _ = follow(world, resumed.poll_undo, interval=30, limit=1800)
    assert final.done, final
    deployments = _service(world)["deployments"]
    assert [d["taskDefinition"].rsplit("/", 1)[-1] for d in deployments] == ["api:1"]
    assert _running_revisions(world) == {"api:1": 4}
