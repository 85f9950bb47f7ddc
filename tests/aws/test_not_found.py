"""Every kind of name the resolver knows fails in the one not-found format, against the world:
the kind, the name, where turnout looked (the account once STS has said it), what to do."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.aws.protocol import CloudError
from tui.aws.resolve import NOT_FOUND, Resolver
from tui.rehearsal import names

ONE_FORMAT = re.compile(
    r"^no (?P<kind>[^']+) '(?P<name>[^']+)' in (?P<where>[^:]+): (?P<advice>.+)$", re.DOTALL
)
HERE = f"account {names.ACCOUNT}, region {names.REGION}"


@pytest.fixture(scope="module")
def empty_group(world) -> Iterator[str]:
    """An Auto Scaling group with no instance at all (so none InService)."""
    autoscaling = world.clients.client("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="empty-asg",
        LaunchTemplate={"LaunchTemplateName": names.WEB_LT, "Version": "$Default"},
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        AvailabilityZones=[names.ZONES[0]],
    )
    yield "empty-asg"
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName="empty-asg", ForceDelete=True)


def _web_lt(resolve: Resolver) -> str:
    return resolve.launch_template(names.WEB_LT)["LaunchTemplateId"]


# (kind in the message, name in the message, the lookup, where turnout looked)
KINDS: list[tuple[str, str, Callable[[Resolver], Any], str]] = [
    ("load balancer", "web-lab", lambda r: r.load_balancer_arn("web-lab"), HERE),
    ("target group", "web-gren", lambda r: r.target_group_arn("web-gren"), HERE),
    ("listener", "web-alb:443", lambda r: r.listener_arn(names.ALB, 443), HERE),
    (
        "live EC2 instance (id or Name tag)",
        "reports-9",
        lambda r: r.ec2_instance("reports-9"),
        HERE,
    ),
    (
        "live EC2 instance (id or Name tag)",
        "i-0123456789abcdef0",
        lambda r: r.instance("i-0123456789abcdef0"),
        HERE,
    ),
    ("launch template", "web-tl", lambda r: r.launch_template("web-tl"), HERE),
    (
        "launch template version",
        "web-lt:99",
        lambda r: r.launch_template_version(_web_lt(r), names.WEB_LT, "99"),
        HERE,
    ),
    ("Auto Scaling group", "web-sag", lambda r: r.auto_scaling_group("web-sag"), HERE),
    (
        "InService, Healthy instance in Auto Scaling group",
        "empty-asg",
        lambda r: r.in_service_instance("empty-asg"),
        HERE,
    ),
    ("DB instance", "orders-bd", lambda r: r.db_instance("orders-bd"), HERE),
    ("RDS Blue/Green deployment", "orders-bdg", lambda r: r.blue_green("orders-bdg"), HERE),
    (
        "RDS Blue/Green deployment",
        "orders-bdg",
        lambda r: r.blue_green_target("orders-bdg"),
        HERE,
    ),
    ("active ECS service", "shop/apy", lambda r: r.ecs_service(names.ECS_CLUSTER, "apy"), HERE),
    # Route 53 is global: only the account says where.
    (
        "hosted zone",
        "shop.example.org.",
        lambda r: r.hosted_zone("shop.example.org"),
        f"account {names.ACCOUNT}",
    ),
]


@pytest.mark.parametrize(("kind", "name", "look_up", "where"), KINDS)
def test_every_kind_not_found_is_in_the_one_format(ctx, empty_group, kind, name, look_up, where):
    AwsCloud(ctx).identity()  # what a session does first: the account is known from then on
    with pytest.raises(CloudError) as caught:
        look_up(ctx.resolve)
    assert caught.value.code == NOT_FOUND
    shape = ONE_FORMAT.match(str(caught.value))
    assert shape, str(caught.value)
    assert (shape["kind"], shape["name"], shape["where"]) == (kind, name, where)
    assert shape["advice"].startswith(("check", "wait", "web-alb's listeners are on ports 80"))


def test_before_sts_has_answered_the_region_alone_says_where(world, recorder):
    from tests.aws.conftest import recorded_clients
    from tui.clock import ManualClock

    fresh = AwsContext(clients=recorded_clients(world, recorder), clock=ManualClock())
    with pytest.raises(CloudError, match=r"^no target group 'web-gren' in region us-east-1: "):
        fresh.resolve.target_group_arn("web-gren")
