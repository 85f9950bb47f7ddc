"""RDS names to resources: a DB instance, a snapshot, a Blue/Green deployment (by name or id)
and the green DB instance it made."""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
from tui.aws.resolve.missing import first, first_or_none, not_found


def db_instance(rds: Any, identifier: str, account: str | None = None) -> dict[str, Any]:
    """The DB instance with this identifier."""
    return first(
        rds,
        "describe_db_instances",
        "DBInstances",
        "DB instance",
        identifier,
        ("DBInstanceNotFound",),
        account=account,
        DBInstanceIdentifier=identifier,
    )


def find_db_snapshot(rds: Any, identifier: str) -> dict[str, Any] | None:
    """The manual DB snapshot with this identifier, or None if there is none (yet)."""
    return first_or_none(
        rds,
        "describe_db_snapshots",
        "DBSnapshots",
        identifier,
        ("DBSnapshotNotFound",),
        DBSnapshotIdentifier=identifier,
    )


def find_blue_green(rds: Any, name: str) -> dict[str, Any] | None:
    """The RDS Blue/Green deployment called `name`, or None if there is none (never cached:
    its status and members change)."""
    found = call(
        rds,
        "describe_blue_green_deployments",
        name,
        Filters=[{"Name": "blue-green-deployment-name", "Values": [name]}],
    )["BlueGreenDeployments"]
    # Filter again: a name filter that a service ignored must not hand back another deployment.
    mine = [d for d in found if d.get("BlueGreenDeploymentName") == name]
    return mine[0] if mine else None


def blue_green(rds: Any, name: str, account: str | None = None) -> dict[str, Any]:
    """Like `find_blue_green`, but a missing deployment is the `NotFound` error."""
    found = find_blue_green(rds, name)
    if found is None:
        raise not_found(
            rds,
            "DescribeBlueGreenDeployments",
            "RDS Blue/Green deployment",
            name,
            account=account,
        )
    return found


def find_blue_green_by_id(rds: Any, identifier: str, name: str) -> dict[str, Any] | None:
    """The Blue/Green deployment with this id (`name` for messages), or None once deleted."""
    return first_or_none(
        rds,
        "describe_blue_green_deployments",
        "BlueGreenDeployments",
        name,
        ("BlueGreenDeploymentNotFoundFault",),
        BlueGreenDeploymentIdentifier=identifier,
    )


def green_of(deployment: dict[str, Any]) -> str | None:
    """The identifier of a deployment's green DB instance, None before RDS has made it."""
    target = deployment.get("Target")
    return target.rsplit(":", 1)[-1] if target else None  # arn:aws:rds:REGION:ACCOUNT:db:ID


def green_instance(rds: Any, name: str) -> str | None:
    """The green DB instance identifier of the Blue/Green deployment `name`, if any."""
    found = find_blue_green(rds, name)
    return green_of(found) if found else None


def blue_green_target(rds: Any, name: str, account: str | None = None) -> str:
    """The identifier of the green DB instance of the Blue/Green deployment `name`; its absence
    (the deployment still making it) is the `NotFound` error too."""
    deployment = blue_green(rds, name, account)
    green = green_of(deployment)
    if not green:
        raise not_found(
            rds,
            "DescribeBlueGreenDeployments",
            "green DB instance of RDS Blue/Green deployment",
            name,
            account=account,
            advice=f"the deployment is {deployment.get('Status')}: wait until RDS has made it",
        )
    return green
