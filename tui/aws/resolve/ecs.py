"""ECS names to resources: a cluster's service, a task definition."""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
from tui.aws.resolve.missing import not_found


def ecs_service(ecs: Any, cluster: str, service: str, account: str | None = None) -> dict[str, Any]:
    """The ECS service `service` of `cluster` (never cached: its deployments change)."""
    resource = f"{cluster}/{service}"
    found = call(ecs, "describe_services", resource, cluster=cluster, services=[service])
    # ECS reports a missing service as a failure entry, a deleted one as INACTIVE.
    active = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not active:
        raise not_found(ecs, "DescribeServices", "active ECS service", resource, account=account)
    return active[0]


def task_definition_arn(ecs: Any, task_definition: str) -> str:
    """The ARN of a task definition (`family:revision`, or `family` for its latest revision).

    ECS answers an unknown one with `ClientException`, the code of every client error, so no
    code tells "no such task definition" apart: AWS's error passes through as it is."""
    found = call(ecs, "describe_task_definition", task_definition, taskDefinition=task_definition)
    return str(found["taskDefinition"]["taskDefinitionArn"])
