"""Every shipped runbook's param defaults name resources that exist in the seeded world, so
each rehearses unchanged (docs/rehearsal-world.md is the contract)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rehearsal.world_drill import start_world
from tui.runbook.loader import load_runbook

RUNBOOKS = sorted(Path("runbooks").glob("*.yaml"))


@pytest.fixture(scope="module")
def world():
    started = start_world()
    yield started
    started.stop()


def _existing(world) -> dict[str, set[str]]:
    c = world.clients.client
    groups = c("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    reservations = c("ec2").describe_instances()["Reservations"]
    return {
        "group": {g["AutoScalingGroupName"] for g in groups},
        "from_group": {g["AutoScalingGroupName"] for g in groups},
        "template": {
            t["LaunchTemplateName"] for t in c("ec2").describe_launch_templates()["LaunchTemplates"]
        },
        "launch_template": {
            t["LaunchTemplateName"] for t in c("ec2").describe_launch_templates()["LaunchTemplates"]
        },
        "image": {i["ImageId"] for i in c("ec2").describe_images(Owners=["self"])["Images"]},
        "load_balancer": {
            lb["LoadBalancerName"] for lb in c("elbv2").describe_load_balancers()["LoadBalancers"]
        },
        "target_group": {
            t["TargetGroupName"] for t in c("elbv2").describe_target_groups()["TargetGroups"]
        },
        "instance": {
            t["Value"]
            for r in reservations
            for i in r["Instances"]
            for t in i.get("Tags", [])
            if t["Key"] == "Name"
        },
        "zone": {z["Name"] for z in c("route53").list_hosted_zones()["HostedZones"]},
        "cluster": {a.rsplit("/", 1)[-1] for a in c("ecs").list_clusters()["clusterArns"]},
        "source": {
            d["DBInstanceIdentifier"] for d in c("rds").describe_db_instances()["DBInstances"]
        },
        "deployment": {
            d["BlueGreenDeploymentName"]
            for d in c("rds").describe_blue_green_deployments()["BlueGreenDeployments"]
        },
    }


# Arguments that name something the step creates, not something that must exist.
CREATES = {
    "rds.create_blue_green": {"name", "source"},  # multi-service creates inventory-bgd
}


@pytest.mark.parametrize("path", RUNBOOKS, ids=lambda p: p.stem)
def test_every_resource_a_runbook_names_exists_in_the_world(world, path: Path) -> None:
    runbook = load_runbook(path)
    existing = _existing(world)
    created_deployments = {
        s.arguments["name"] for s in runbook.steps if s.action == "rds.create_blue_green"
    }
    missing = []
    for step in runbook.steps:
        for argument, value in step.arguments.items():
            if argument not in existing or not isinstance(value, str) or value == "":
                continue
            if argument in CREATES.get(step.action, set()) and argument == "name":
                continue
            if argument == "deployment" and value in created_deployments:
                continue
            if argument == "image" and step.action == "autoscaling.instance_refresh":
                continue
            kind = (
                "source" if argument == "instance" and step.action.startswith("rds.") else argument
            )
            known = existing[kind] | {z.rstrip(".") for z in existing["zone"]}
            if value not in known and value.rstrip(".") not in known:
                missing.append(f"{step.id}.{argument} = {value}")
        if step.action in ("elbv2.set_weights",):
            missing += [
                f"{step.id}.weights.{g}"
                for g in step.arguments["weights"]
                if g not in existing["target_group"]
            ]
        if step.action == "elbv2.shift_weights":
            missing += [
                f"{step.id}.{k} = {step.arguments[k]}"
                for k in ("from", "to")
                if step.arguments[k] not in existing["target_group"]
            ]
        if step.action == "ecs.update_service":
            services = world.clients.client("ecs").describe_services(
                cluster=step.arguments["cluster"], services=[step.arguments["service"]]
            )["services"]
            if not services:
                missing.append(f"{step.id}.service = {step.arguments['service']}")
            family, _, revision = step.arguments["task_definition"].partition(":")
            world.clients.client("ecs").describe_task_definition(
                taskDefinition=f"{family}:{revision}" if revision else family
            )
    assert missing == [], f"{path} names resources the world lacks: {missing}"
