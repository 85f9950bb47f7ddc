"""RDS Blue/Green deployments, checked against the Amazon RDS User Guide and API Reference.

Documented behaviour checked here:
- CreateBlueGreenDeployment is PROVISIONING while its Tasks (CREATING_READ_REPLICA_OF_SOURCE,
  DB_ENGINE_VERSION_UPGRADE, CONFIGURE_BACKUPS) go PENDING -> IN_PROGRESS -> COMPLETED, then
  AVAILABLE; DescribeBlueGreenDeployments filters by name and identifier.
- SwitchoverTimeout is 30-3600 seconds (InvalidParameterValue otherwise), default 300.
- Switchover guardrails refuse a switchover while green's replica lag is beyond what the timeout
  allows, or blue has a long-running write or DDL statement (InvalidBlueGreenDeploymentStateFault).
- A switchover takes time (SWITCHOVER_IN_PROGRESS); one that outlasts its timeout is rolled back
  with no changes to either environment; one that completes is SWITCHOVER_COMPLETED with blue
  renamed `<name>-old1` and green taking blue's name and endpoint.
- A deployment switching over cannot be deleted; otherwise DeleteBlueGreenDeployment removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.rds import blue_green
from tui.rehearsal.server import FAKE_CREDENTIALS

REPLICA, UPGRADE, BACKUPS = 600, 600, 120  # the module's default task durations


@dataclass
class Orders:
    """RDS instance `orders-db` and its Blue/Green deployment `orders-bgd`."""

    rds: Any
    bgd_id: str
    green: str

    def describe(self) -> dict:
        """DescribeBlueGreenDeployments for this deployment."""
        found = self.rds.describe_blue_green_deployments(BlueGreenDeploymentIdentifier=self.bgd_id)
        return found["BlueGreenDeployments"][0]

    def instances(self) -> dict[str, dict]:
        """Every DB instance by identifier."""
        return {
            db["DBInstanceIdentifier"]: db for db in self.rds.describe_db_instances()["DBInstances"]
        }


def _create(aws, **kwargs: Any) -> Orders:
    rds = aws.client("rds")
    db = rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        Engine="mysql",
        EngineVersion="8.0.35",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="rehearsal-password",
        AllocatedStorage=20,
    )["DBInstance"]
    bgd = rds.create_blue_green_deployment(
        BlueGreenDeploymentName="orders-bgd", Source=db["DBInstanceArn"], **kwargs
    )["BlueGreenDeployment"]
    return Orders(rds, bgd["BlueGreenDeploymentIdentifier"], bgd["Target"].split(":")[-1])


@pytest.fixture
def orders(aws) -> Orders:
    """orders-bgd, already AVAILABLE."""
    made = _create(aws)
    aws.clock.advance(REPLICA + BACKUPS)
    assert made.describe()["Status"] == "AVAILABLE"
    return made


def test_creation_provisions_its_tasks_in_order_then_is_available(aws) -> None:
    made = _create(aws, TargetEngineVersion="8.0.36")
    statuses = lambda: [(t["Name"], t["Status"]) for t in made.describe()["Tasks"]]  # noqa: E731
    assert made.describe()["Status"] == "PROVISIONING"
    assert statuses() == [
        ("CREATING_READ_REPLICA_OF_SOURCE", "IN_PROGRESS"),
        ("DB_ENGINE_VERSION_UPGRADE", "PENDING"),
        ("CONFIGURE_BACKUPS", "PENDING"),
    ]
    assert made.instances()[made.green]["DBInstanceStatus"] == "creating"
    aws.clock.advance(REPLICA + 1)
    assert made.describe()["Status"] == "PROVISIONING"
    assert [s for _, s in statuses()] == ["COMPLETED", "IN_PROGRESS", "PENDING"]
    aws.clock.advance(UPGRADE + BACKUPS)
    assert made.describe()["Status"] == "AVAILABLE"
    assert [s for _, s in statuses()] == ["COMPLETED"] * 3
    assert made.instances()[made.green]["DBInstanceStatus"] == "available"


def test_switchover_is_refused_while_provisioning(aws) -> None:
    made = _create(aws)
    with pytest.raises(ClientError) as caught:
        made.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=made.bgd_id)
    assert caught.value.response["Error"]["Code"] == "InvalidBlueGreenDeploymentStateFault"


def test_describe_filters_by_name_and_identifier(orders) -> None:
    by_name = orders.rds.describe_blue_green_deployments(
        Filters=[{"Name": "blue-green-deployment-name", "Values": ["orders-bgd"]}]
    )["BlueGreenDeployments"]
    by_id = orders.rds.describe_blue_green_deployments(
        Filters=[{"Name": "blue-green-deployment-identifier", "Values": [orders.bgd_id]}]
    )["BlueGreenDeployments"]
    assert [b["BlueGreenDeploymentIdentifier"] for b in by_name + by_id] == [orders.bgd_id] * 2
    none = orders.rds.describe_blue_green_deployments(
        Filters=[{"Name": "blue-green-deployment-name", "Values": ["other"]}]
    )["BlueGreenDeployments"]
    assert none == []


@pytest.mark.parametrize("timeout", [29, 3601])
def test_a_timeout_outside_30_to_3600_is_invalid(aws, orders, timeout: int) -> None:
    # botocore checks the minimum itself; turn that off to hear what the service says.
    rds = boto3.session.Session(region_name="us-east-1", **FAKE_CREDENTIALS).client(
        "rds", endpoint_url=aws.endpoint_url, config=Config(parameter_validation=False)
    )
    with pytest.raises(ClientError) as caught:
        rds.switchover_blue_green_deployment(
            BlueGreenDeploymentIdentifier=orders.bgd_id, SwitchoverTimeout=timeout
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert orders.describe()["Status"] == "AVAILABLE"


def test_switchover_under_replica_lag_is_refused(aws, orders) -> None:
    blue_green.set_replica_lag(aws.time, orders.green, 900)
    with pytest.raises(ClientError) as caught:
        orders.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidBlueGreenDeploymentStateFault"
    assert "replica lag" in error["Message"]
    assert orders.describe()["Status"] == "AVAILABLE"
    assert "orders-db-old1" not in orders.instances()


@pytest.mark.parametrize("kind", ["write", "ddl"])
def test_switchover_during_a_long_running_write_on_blue_is_refused(aws, orders, kind: str) -> None:
    blue_green.set_long_running_write(aws.time, "orders-db", True, kind=kind)
    with pytest.raises(ClientError) as caught:
        orders.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    assert caught.value.response["Error"]["Code"] == "InvalidBlueGreenDeploymentStateFault"
    blue_green.set_long_running_write(aws.time, "orders-db", False, kind=kind)
    orders.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    assert orders.describe()["Status"] == "SWITCHOVER_IN_PROGRESS"


def test_a_switchover_that_outlasts_its_timeout_rolls_back(aws, orders) -> None:
    blue_green.set_switchover_delay(aws.time, "orders-bgd", 120)
    started = orders.rds.switchover_blue_green_deployment(
        BlueGreenDeploymentIdentifier=orders.bgd_id, SwitchoverTimeout=60
    )["BlueGreenDeployment"]
    assert started["Status"] == "SWITCHOVER_IN_PROGRESS"
    aws.clock.advance(59)
    assert orders.describe()["Status"] == "SWITCHOVER_IN_PROGRESS"
    aws.clock.advance(1)
    rolled_back = orders.describe()
    assert rolled_back["Status"] == "AVAILABLE"
    assert "timeout of 60 seconds" in rolled_back["StatusDetails"]
    assert set(orders.instances()) == {"orders-db", orders.green}, "nothing was renamed"
    aws.clock.advance(600)
    assert orders.describe()["Status"] == "AVAILABLE"


def test_a_healthy_switchover_completes_with_the_renames(aws, orders) -> None:
    blue_endpoint = orders.instances()["orders-db"]["Endpoint"]["Address"]
    blue_green.set_replica_lag(aws.time, orders.green, 5)
    orders.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    aws.clock.advance(30)
    assert orders.describe()["Status"] == "SWITCHOVER_IN_PROGRESS"
    assert orders.green in orders.instances()
    aws.clock.advance(30)  # 45 s base + 5 s of lag to catch up
    done = orders.describe()
    assert done["Status"] == "SWITCHOVER_COMPLETED"
    instances = orders.instances()
    assert set(instances) == {"orders-db", "orders-db-old1"}
    assert instances["orders-db"]["Endpoint"]["Address"] == blue_endpoint
    assert done["Source"].endswith(":db:orders-db-old1")
    assert done["Target"].endswith(":db:orders-db")


def test_delete_is_refused_mid_switchover_and_works_after(aws, orders) -> None:
    orders.rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    with pytest.raises(ClientError) as caught:
        orders.rds.delete_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    assert caught.value.response["Error"]["Code"] == "InvalidBlueGreenDeploymentStateFault"
    aws.clock.advance(60)
    orders.rds.delete_blue_green_deployment(BlueGreenDeploymentIdentifier=orders.bgd_id)
    with pytest.raises(ClientError) as caught:
        orders.describe()
    assert caught.value.response["Error"]["Code"] == "BlueGreenDeploymentNotFoundFault"
