"""Read the world's routing topology through the AWS APIs, as an operator's tools would see it.

Reading through boto3 (not moto's internals) keeps the simulator honest: it sees exactly what
the runbook's actions changed, with the fidelity extensions' answers for target health.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.aws.resolve import rds as resolve_rds
from tui.rehearsal import names
from tui.rehearsal.seed import SeededWorld
from tui.rehearsal.traffic import Target, Topology


def _listener_weights(elbv2: Any, world: SeededWorld, tg_names: dict[str, str]) -> dict[str, int]:
    listener = elbv2.describe_listeners(ListenerArns=[world["listener"]])["Listeners"][0]
    weights: dict[str, int] = {}
    for action in listener["DefaultActions"]:
        if action["Type"] != "forward":
            continue
        groups = action.get("ForwardConfig", {}).get("TargetGroups") or [
            {"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}
        ]
        for group in groups:
            name = tg_names.get(group["TargetGroupArn"], group["TargetGroupArn"])
            weights[name] = int(group.get("Weight", 1))
    return weights


def _route53_weights(route53: Any, world: SeededWorld) -> dict[str, int]:
    records = route53.list_resource_record_sets(
        HostedZoneId=world["hosted_zone"], StartRecordName=names.APP_RECORD
    )["ResourceRecordSets"]
    return {
        r["SetIdentifier"]: int(r.get("Weight", 0))
        for r in records
        if r["Name"] == names.APP_RECORD and "SetIdentifier" in r
    }


Placement = tuple[str, str]  # an instance's image id and Availability Zone


def read_topology(
    clients: Any, world: SeededWorld, placements: dict[str, Placement] | None = None
) -> tuple[Topology, dict[str, str]]:
    """The current topology, and each target group's name -> ARN.

    `placements` (instance id -> image and zone) is a cache the caller keeps from one reading to
    the next: an instance's image and zone are fixed for its life, so only instances not seen
    before are described. DescribeInstances was 60 % of the simulator's time at every step
    (py-spy over the test suite), for answers that never change."""
    elbv2, ec2 = clients.client("elbv2"), clients.client("ec2")
    groups = elbv2.describe_target_groups(LoadBalancerArn=world["load_balancer"])["TargetGroups"]
    arns = {g["TargetGroupName"]: g["TargetGroupArn"] for g in groups}
    health: dict[str, list[tuple[str, str]]] = {}
    for name, arn in arns.items():
        descriptions = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        health[name] = [(d["Target"]["Id"], d["TargetHealth"]["State"]) for d in descriptions]
    images = placements if placements is not None else {}
    unseen = sorted({i for pairs in health.values() for i, _ in pairs} - images.keys())
    if unseen:
        for reservation in ec2.describe_instances(InstanceIds=unseen)["Reservations"]:
            for instance in reservation["Instances"]:
                images[instance["InstanceId"]] = (
                    instance["ImageId"],
                    instance["Placement"]["AvailabilityZone"],
                )
    targets = {
        name: tuple(Target(i, *images.get(i, ("unknown", "unknown")), state) for i, state in pairs)
        for name, pairs in health.items()
    }
    topology = Topology(
        route53_weights=_route53_weights(clients.client("route53"), world),
        listener_weights=_listener_weights(elbv2, world, {v: k for k, v in arns.items()}),
        targets=targets,
    )
    return topology, arns


def green_instance(clients: Any, deployment: str) -> str | None:
    """The green DB instance identifier of a Blue/Green deployment (by name), if any: the
    adapters' resolver, so the simulator and the runbook's steps read a deployment alike."""
    return resolve_rds.green_instance(clients.client("rds"), deployment)


@dataclass(frozen=True)
class DatabaseRoles:
    """What each DB instance of a Blue/Green deployment is doing, for the metrics it publishes."""

    green: str | None = None  # the green replica, before a switchover
    retired: str | None = None  # the old blue (`<name>-old1`) a switchover left running


def database_roles(clients: Any) -> dict[str, DatabaseRoles]:
    """Each Blue/Green deployment's name -> its instances' roles, in two calls (the simulator
    asks every step). After a switchover the green has taken the blue's name (it is the primary
    now, no replica any more) and the old blue, renamed, runs on while it exists."""
    rds = clients.client("rds")
    found = rds.describe_blue_green_deployments()["BlueGreenDeployments"]
    existing = {d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]}
    roles = {}
    for d in found:
        if d.get("Status") == "SWITCHOVER_COMPLETED":
            old = d.get("Source", "").rsplit(":", 1)[-1]  # arn:aws:rds:REGION:ACCOUNT:db:ID
            roles[d["BlueGreenDeploymentName"]] = DatabaseRoles(
                retired=old if old in existing else None
            )
        else:
            roles[d["BlueGreenDeploymentName"]] = DatabaseRoles(green=resolve_rds.green_of(d))
    return roles
