"""ECS actions: a rolling update of a service with the deployment circuit breaker."""

from __future__ import annotations

from typing import Any

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T


def _room_to_roll(args: dict[str, Any]) -> list[tuple[str | None, str]]:
    low, high = args.get("minimum_healthy_percent"), args.get("maximum_percent")
    if low is not None and high is not None and high <= low:
        return [
            (
                "maximum_percent",
                f"maximum_percent {high} must be above minimum_healthy_percent "
                f"{low}, or the rollout can neither start nor stop a task",
            )
        ]
    return []


UPDATE_SERVICE = ActionSpec(
    name="ecs.update_service",
    summary="Roll an ECS service onto a task definition, in batches bounded by minimum healthy "
    "and maximum percent; watch the rollout until it completes or the circuit breaker trips.",
    risk=Risk.MUTATING,
    args=(
        arg("cluster", T.STRING, "The cluster's name.", required=True),
        arg("service", T.STRING, "The service's name.", required=True),
        arg(
            "task_definition",
            T.STRING,
            "The task definition, family:revision (or family for the latest).",
            required=True,
        ),
        arg("desired_count", T.INTEGER, "New desired count (optional).", minimum=0),
        arg(
            "minimum_healthy_percent",
            T.INTEGER,
            "Tasks kept running during the rollout, in percent.",
            default=100,
            minimum=0,
            maximum=100,
        ),
        arg(
            "maximum_percent",
            T.INTEGER,
            "Tasks allowed during the rollout, in percent.",
            default=200,
            minimum=100,
            maximum=200,
        ),
        arg("circuit_breaker", T.BOOLEAN, "Enable the deployment circuit breaker.", default=True),
        arg(
            "rollback",
            T.BOOLEAN,
            "Let the circuit breaker roll back to the last good deployment.",
            default=True,
        ),
        arg(
            "timeout",
            T.DURATION,
            "Give up watching after this long.",
            default=Duration(1800),
            minimum=60,
        ),
    ),
    operations=("ecs.DescribeServices", "ecs.DescribeTaskDefinition", "ecs.UpdateService"),
    undo="Updates the service back to the task definition, desired count and deployment "
    "configuration recorded before, and watches that rollout.",
    undo_operations=("ecs.UpdateService", "ecs.DescribeServices"),
    records="The service's task definition, desired count and deployment configuration before.",
    rules=(_room_to_roll,),
)

ACTIONS = (UPDATE_SERVICE,)
