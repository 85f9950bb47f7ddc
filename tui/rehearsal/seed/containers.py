"""The container tier: the `shop` ECS cluster, its `api` and `worker` services (revision 2 of
each registered as the upgrade)."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def _task_definition(ecs: Any, revision_tag: str, family: str = names.ECS_FAMILY) -> str:
    return ecs.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": family,
                "image": f"registry.example.com/shop/{family}:{revision_tag}",
                "essential": True,
                "portMappings": [{"containerPort": 8080}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]


def seed_containers(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create the cluster, two task definition revisions per service, the services on rev 1."""
    ecs = clients.client("ecs")
    out = {
        "ecs_cluster": ecs.create_cluster(clusterName=names.ECS_CLUSTER)["cluster"]["clusterArn"]
    }
    out["task_definition:1"] = _task_definition(ecs, "1.0")
    out["task_definition:2"] = _task_definition(ecs, "1.1")
    out["worker_task_definition:1"] = _task_definition(ecs, "3.4", names.WORKER_FAMILY)
    out["worker_task_definition:2"] = _task_definition(ecs, "3.5", names.WORKER_FAMILY)
    for service, task_definition, count in (
        (names.ECS_SERVICE, out["task_definition:1"], 4),
        (names.WORKER_SERVICE, out["worker_task_definition:1"], 2),
    ):
        out[f"ecs_service:{service}"] = ecs.create_service(
            cluster=names.ECS_CLUSTER,
            serviceName=service,
            taskDefinition=task_definition,
            desiredCount=count,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": [ids[f"subnet:{zone}"] for zone in names.ZONES],
                    "securityGroups": [ids["security_group"]],
                }
            },
            deploymentConfiguration={
                "minimumHealthyPercent": 100,
                "maximumPercent": 200,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
        )["service"]["serviceArn"]
    return out
