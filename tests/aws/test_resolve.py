"""Names in runbooks resolve to the ids the world generated; unknown names say which."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.aws.protocol import CloudError
from tui.aws.resolve import Resolver, elb_dimension
from tui.rehearsal import names
from tui.runbook import load_runbook
from tui.runbook.model import ExprCondition, GroupCondition, MetricCondition, ResourceRef

RUNBOOKS = sorted(Path("runbooks").glob("*.yaml"))


def _refs(condition) -> set[ResourceRef]:
    if isinstance(condition, GroupCondition):
        return set().union(*(_refs(c) for c in condition.conditions))
    if isinstance(condition, MetricCondition):
        metrics = [condition.metric]
    elif isinstance(condition, ExprCondition):
        metrics = list(condition.metrics.values())
    else:
        return set()
    return {v for m in metrics for v in m.dimensions.values() if isinstance(v, ResourceRef)}


def shipped_refs() -> set[ResourceRef]:
    found: set[ResourceRef] = set()
    for path in RUNBOOKS:
        runbook = load_runbook(path)
        for step in (*runbook.steps, *runbook.rollback):
            for condition in (*step.preconditions, *(g.condition for g in step.guardrails)):
                found |= _refs(condition)
    return found


@pytest.fixture(scope="module")
def resolver(world):
    # multi-service.yaml creates inventory-bgd before it reads its green instance's lag.
    rds = world.clients.client("rds")
    source = rds.describe_db_instances(DBInstanceIdentifier=names.INVENTORY_DB)["DBInstances"][0]
    rds.create_blue_green_deployment(
        BlueGreenDeploymentName=names.INVENTORY_BLUE_GREEN,
        Source=source["DBInstanceArn"],
        TargetEngineVersion="8.0.40",
    )
    return Resolver(world.clients)


def test_every_resource_reference_of_the_shipped_runbooks_resolves(resolver):
    refs = shipped_refs()
    assert {r.kind for r in refs} == {
        "load_balancer",
        "target_group",
        "instance",
        "blue_green_target",
    }
    for ref in refs:
        assert resolver.dimension(ref)


def test_names_resolve_to_the_forms_cloudwatch_and_the_apis_use(world, resolver):
    seeded = world.seeded
    assert resolver.load_balancer("web-alb") == elb_dimension(seeded["load_balancer"])
    assert resolver.load_balancer("web-alb").startswith("app/web-alb/")
    assert resolver.target_group("web-green") == elb_dimension(seeded["target_group:green"])
    assert resolver.target_group("web-green").startswith("targetgroup/web-green/")
    assert resolver.target_group_arn("web-blue") == seeded["target_group:blue"]
    assert resolver.listener_arn("web-alb", 80) == seeded["listener"]
    assert resolver.hosted_zone("shop.example.com") == seeded["hosted_zone"]
    assert resolver.hosted_zone("shop.example.com.") == seeded["hosted_zone"]

    reports = world.clients.client("ec2").describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [names.REPORTS_INSTANCE]}]
    )["Reservations"][0]["Instances"][0]["InstanceId"]
    assert resolver.instance(names.REPORTS_INSTANCE) == reports

    green = world.clients.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"]
    target = next(d["Target"] for d in green if d["BlueGreenDeploymentName"] == "orders-bgd")
    assert resolver.blue_green_target("orders-bgd") == target.split(":db:")[1]
    assert resolver.blue_green_target("orders-bgd").startswith("orders-db-green-")
    assert resolver.dimension("as-written") == "as-written"


def test_each_name_is_looked_up_once_per_session(world, recorder):
    from tests.aws.conftest import recorded_clients

    resolver = Resolver(recorded_clients(world, recorder))
    for _ in range(3):
        resolver.target_group("web-green")
        resolver.load_balancer("web-alb")
    assert recorder.operations() == ["elbv2.DescribeTargetGroups", "elbv2.DescribeLoadBalancers"]


@pytest.mark.parametrize(
    ("look_up", "name", "words"),
    [
        ("target_group", "web-gren", "no target group 'web-gren' in region us-east-1"),
        ("load_balancer", "web-lab", "no load balancer 'web-lab' in region us-east-1"),
        (
            "instance",
            "reports-9",
            "no live EC2 instance (id or Name tag) 'reports-9' in region us-east-1",
        ),
        ("blue_green_target", "orders-bdg", "no RDS Blue/Green deployment 'orders-bdg' in"),
        ("hosted_zone", "shop.example.org", "no hosted zone 'shop.example.org.' in"),
    ],
)
def test_an_unknown_name_is_an_error_that_names_it(resolver, look_up, name, words):
    with pytest.raises(CloudError, match="^" + words.replace("(", r"\(").replace(")", r"\)")):
        getattr(resolver, look_up)(name)


def test_an_unknown_listener_port_lists_the_ports_there_are(resolver):
    words = r"^no listener 'web-alb:443' in region us-east-1: web-alb's listeners are on ports 80:"
    with pytest.raises(CloudError, match=words):
        resolver.listener_arn("web-alb", 443)


def test_a_resource_created_later_resolves_once_it_exists(world):
    resolver = Resolver(world.clients)
    with pytest.raises(CloudError):
        resolver.target_group("web-canary")
    created = world.clients.client("elbv2").create_target_group(
        Name="web-canary", Protocol="HTTP", Port=80, VpcId=world.seeded["vpc"]
    )["TargetGroups"][0]["TargetGroupArn"]
    try:
        assert resolver.target_group_arn("web-canary") == created
    finally:
        world.clients.client("elbv2").delete_target_group(TargetGroupArn=created)
