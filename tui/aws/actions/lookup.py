"""Runbooks name resources; AWS wants ids. Describe calls that turn one into the other.

Every lookup goes through `tui.aws.calls.call`, so an AWS failure is a `CloudError` naming the
resource; a name that matches nothing is a `CloudError` with code `NotFound` that says where
turnout looked. (Metric dimensions are resolved elsewhere, in tui/aws/resolve.py.)
"""

from __future__ import annotations

import re
from typing import Any

from tui.aws.calls import call
from tui.aws.protocol import CloudError

_INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")
# Instances that can still be imaged or watched; terminated ones keep their Name tag for an hour.
_LIVE_STATES = ["pending", "running", "stopping", "stopped"]


def not_found(client: Any, operation: str, resource: str, what: str) -> CloudError:
    """A `CloudError` for a name that matched nothing, in the shape `call` gives AWS's errors."""
    service = client.meta.service_model.service_name
    region = client.meta.region_name
    return CloudError(
        f"{service}.{operation} on {resource}: NotFound: {what} in {region}: check the name "
        "in the runbook (or its --set value)",
        service=service,
        operation=operation,
        code="NotFound",
    )


def auto_scaling_group(autoscaling: Any, name: str) -> dict[str, Any]:
    """The Auto Scaling group called `name`, as DescribeAutoScalingGroups shows it."""
    found = call(autoscaling, "describe_auto_scaling_groups", name, AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ]
    if not found:
        raise not_found(
            autoscaling, "DescribeAutoScalingGroups", name, f"no Auto Scaling group named {name}"
        )
    return found[0]


def in_service_instance(autoscaling: Any, group: str) -> str:
    """One InService, Healthy instance of `group` (the lowest id, so a retry picks the same)."""
    members = auto_scaling_group(autoscaling, group).get("Instances", [])
    ready = sorted(
        m["InstanceId"]
        for m in members
        if m.get("LifecycleState") == "InService" and m.get("HealthStatus") == "Healthy"
    )
    if not ready:
        raise not_found(
            autoscaling,
            "DescribeAutoScalingGroups",
            group,
            f"Auto Scaling group {group} has no InService, Healthy instance to use",
        )
    return ready[0]


def instance(ec2: Any, name_or_id: str) -> dict[str, Any]:
    """The live EC2 instance with this id, or with this Name tag (which must be unambiguous)."""
    if _INSTANCE_ID.match(name_or_id):
        params: dict[str, Any] = {"InstanceIds": [name_or_id]}
    else:
        params = {
            "Filters": [
                {"Name": "tag:Name", "Values": [name_or_id]},
                {"Name": "instance-state-name", "Values": _LIVE_STATES},
            ]
        }
    reservations = call(ec2, "describe_instances", name_or_id, **params)["Reservations"]
    found = [i for r in reservations for i in r["Instances"]]
    if not found:
        raise not_found(
            ec2, "DescribeInstances", name_or_id, f"no live instance with id or Name {name_or_id}"
        )
    if len(found) > 1:
        ids = ", ".join(sorted(i["InstanceId"] for i in found))
        raise CloudError(
            f"ec2.DescribeInstances on {name_or_id}: Ambiguous: {len(found)} live instances are "
            f"named {name_or_id} ({ids}): give the instance id instead",
            service="ec2",
            operation="DescribeInstances",
            code="Ambiguous",
        )
    return found[0]


def launch_template(ec2: Any, name: str) -> dict[str, Any]:
    """The launch template called `name` (id, default and latest version numbers)."""
    try:
        found = call(ec2, "describe_launch_templates", name, LaunchTemplateNames=[name])
    except CloudError as exc:
        # EC2 answers a missing name with an error rather than an empty list.
        if exc.code.startswith("InvalidLaunchTemplateName"):
            raise not_found(
                ec2, "DescribeLaunchTemplates", name, f"no launch template named {name}"
            ) from exc
        raise
    templates = found["LaunchTemplates"]
    if not templates:
        raise not_found(ec2, "DescribeLaunchTemplates", name, f"no launch template named {name}")
    return templates[0]


def blue_green(rds: Any, name: str) -> dict[str, Any] | None:
    """The RDS Blue/Green deployment called `name`, or None if there is none."""
    found = call(
        rds,
        "describe_blue_green_deployments",
        name,
        Filters=[{"Name": "blue-green-deployment-name", "Values": [name]}],
    )["BlueGreenDeployments"]
    # Filter again: a name filter that a service ignored must not hand back another deployment.
    mine = [d for d in found if d.get("BlueGreenDeploymentName") == name]
    return mine[0] if mine else None


def require_blue_green(rds: Any, name: str) -> dict[str, Any]:
    """Like `blue_green`, but a missing deployment is a `NotFound` error."""
    found = blue_green(rds, name)
    if found is None:
        raise not_found(
            rds, "DescribeBlueGreenDeployments", name, f"no Blue/Green deployment named {name}"
        )
    return found


def db_instance(rds: Any, identifier: str) -> dict[str, Any]:
    """The DB instance with this identifier."""
    try:
        found = call(rds, "describe_db_instances", identifier, DBInstanceIdentifier=identifier)
    except CloudError as exc:
        if exc.code == "DBInstanceNotFound":
            raise not_found(
                rds, "DescribeDBInstances", identifier, f"no DB instance called {identifier}"
            ) from exc
        raise
    return found["DBInstances"][0]


def ecs_service(ecs: Any, cluster: str, service: str) -> dict[str, Any]:
    """The ECS service `service` of `cluster` (ECS reports a missing one as a failure entry)."""
    resource = f"{cluster}/{service}"
    found = call(ecs, "describe_services", resource, cluster=cluster, services=[service])
    active = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not active:
        raise not_found(
            ecs, "DescribeServices", resource, f"no active service {service} in cluster {cluster}"
        )
    return active[0]


def short_arn(arn: str) -> str:
    """The last part of an ARN: `api:2` for a task definition, `orders-db` for a DB instance."""
    return arn.rsplit("/", 1)[-1].rsplit(":db:", 1)[-1]
