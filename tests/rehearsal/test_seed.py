"""The seeded world holds what the shipped runbooks act on, reachable by their names."""

from __future__ import annotations

from tui.aws.clients import ClientFactory
from tui.rehearsal import names
from tui.rehearsal.seed import seed_world
from tui.rehearsal.server import FAKE_CREDENTIALS


def _seed(aws):
    clients = ClientFactory(
        region=names.REGION, endpoint_url=aws.endpoint_url, credentials=FAKE_CREDENTIALS
    )
    return clients, seed_world(clients)


def test_web_asg_runs_four_instances_on_v1_across_both_zones(aws) -> None:
    clients, _ = _seed(aws)
    group = clients.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[names.WEB_ASG]
    )["AutoScalingGroups"][0]
    assert len(group["Instances"]) == 4
    assert {i["AvailabilityZone"] for i in group["Instances"]} == set(names.ZONES)
    ids = [i["InstanceId"] for i in group["Instances"]]
    reservations = clients.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    images = {i["ImageId"] for r in reservations for i in r["Instances"]}
    assert images == {names.AMI_WEB_V1}


def test_the_spot_and_on_demand_batch_fleet_runs_its_desired_four(aws) -> None:
    clients, _ = _seed(aws)
    group = clients.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[names.BATCH_ASG]
    )["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 4
    assert len(group["Instances"]) == 4


def test_listener_splits_blue_100_green_0(aws) -> None:
    clients, world = _seed(aws)
    action = clients.client("elbv2").describe_listeners(ListenerArns=[world["listener"]])[
        "Listeners"
    ][0]["DefaultActions"][0]
    weights = {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}
    assert weights == {world["target_group:blue"]: 100, world["target_group:green"]: 0}


def test_route53_weighted_records_have_ttl_5(aws) -> None:
    clients, world = _seed(aws)
    records = clients.client("route53").list_resource_record_sets(
        HostedZoneId=world["hosted_zone"]
    )["ResourceRecordSets"]
    app = {r["SetIdentifier"]: r for r in records if r["Name"] == names.APP_RECORD}
    assert {k: (v["Weight"], v["TTL"]) for k, v in app.items()} == {
        "blue": (100, 5),
        "green": (0, 5),
    }
    assert [r["TTL"] for r in records if r["Name"] == names.DB_RECORD] == [5]


def test_database_blue_green_and_ecs_service_exist(aws) -> None:
    clients, _ = _seed(aws)
    bgds = clients.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"]
    assert [b["BlueGreenDeploymentName"] for b in bgds] == [names.BLUE_GREEN]
    service = clients.client("ecs").describe_services(
        cluster=names.ECS_CLUSTER, services=[names.ECS_SERVICE]
    )["services"][0]
    assert service["taskDefinition"].endswith(f"{names.ECS_FAMILY}:1")
