"""Fixtures for the fidelity tests: the ECS service and RDS instance the runbooks touch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Shop:
    """ECS cluster `shop` with task definition family `api` at revisions 1 and 2."""

    ecs: Any
    td1: str
    td2: str

    def create_api(self, desired: int = 4, **config: Any) -> dict:
        """Create service `api` on revision 1 with `config` as its deploymentConfiguration."""
        kwargs: dict[str, Any] = {}
        if config:
            kwargs["deploymentConfiguration"] = config
        return self.ecs.create_service(
            cluster="shop",
            serviceName="api",
            taskDefinition=self.td1,
            desiredCount=desired,
            **kwargs,
        )["service"]

    def api(self) -> dict:
        """DescribeServices for `api`."""
        return self.ecs.describe_services(cluster="shop", services=["api"])["services"][0]


@pytest.fixture
def shop(aws) -> Shop:
    """The ECS part of the rehearsal world, with no service yet."""
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="shop")
    arns = [
        ecs.register_task_definition(
            family="api",
            containerDefinitions=[{"name": "api", "image": f"shop/api:{rev}", "memory": 256}],
        )["taskDefinition"]["taskDefinitionArn"]
        for rev in (1, 2)
    ]
    return Shop(ecs, *arns)
