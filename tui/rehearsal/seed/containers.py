"""The container tier: the `shop` ECS cluster and its `api` service (revision 2 registered)."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def _task_definition(ecs: Any, revision_tag: str) -> str:
    return ecs.register_task_definition(
        family=names.ECS_FAMILY,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "api",
                "image": f"registry.example.com/shop/api:{revision_tag}",
                "essential": True,
                "portMappings": [{"containerPort": 8080}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]


def seed_containers(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create the cluster, both task definition revisions and the service on revision 1."""
    ecs = clients.client("ecs")
    out = {
        "ecs_cluster": ecs.create_cluster(clusterName=names.ECS_CLUSTER)["cluster"]["clusterArn"]
    }
    out["task_definition:1"] = _task_definition(ecs, "1.0")
    out["task_definition:2"] = _task_definition(ecs, "1.1")
    out["ecs_service"] = ecs.create_service(
        cluster=names.ECS_CLUSTER,
        serviceName=names.ECS_SERVICE,
        taskDefinition=out["task_definition:1"],
        desiredCount=4,
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
