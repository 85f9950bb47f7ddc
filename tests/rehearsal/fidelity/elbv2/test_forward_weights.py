"""Forward actions' target group weights are refused outside 0–999, as the ELB API Reference says.

Documented behaviour checked (Elastic Load Balancing API Reference, TargetGroupTuple, Weight:
"The weight. The range is 0 to 999."; Common Errors, ValidationError: "The input fails to
satisfy the constraints specified by an AWS service", HTTP 400). A refused call changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError


@dataclass
class Alb:
    elbv2: Any
    load_balancer: str
    listener: str
    blue: str
    green: str

    def forward(self, blue: int, green: int) -> list[dict[str, Any]]:
        groups = [
            {"TargetGroupArn": self.blue, "Weight": blue},
            {"TargetGroupArn": self.green, "Weight": green},
        ]
        return [{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}]

    def weights(self) -> list[int]:
        listener = self.elbv2.describe_listeners(ListenerArns=[self.listener])["Listeners"][0]
        groups = listener["DefaultActions"][0]["ForwardConfig"]["TargetGroups"]
        return [g["Weight"] for g in groups]


@pytest.fixture
def alb(aws: Any) -> Alb:
    ec2, elbv2 = aws.client("ec2"), aws.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.30.1.0/24", "us-east-1a"), ("10.30.2.0/24", "us-east-1b"))
    ]
    lb = elbv2.create_load_balancer(Name="web-alb", Subnets=subnets)["LoadBalancers"][0]
    blue, green = (
        elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][
            0
        ]["TargetGroupArn"]
        for name in ("web-blue", "web-green")
    )
    made = Alb(elbv2, lb["LoadBalancerArn"], "", blue, green)
    made.listener = elbv2.create_listener(
        LoadBalancerArn=made.load_balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=made.forward(100, 0),
    )["Listeners"][0]["ListenerArn"]
    return made


def _message(weight: int, where: str, bound: str) -> str:
    return (
        f"1 validation error detected: Value '{weight}' at '{where}' failed to satisfy "
        f"constraint: Member must have value {bound}"
    )


@pytest.mark.parametrize(
    ("weight", "bound"), [(1000, "less than or equal to 999"), (-1, "greater than or equal to 0")]
)
def test_modify_listener_refuses_a_weight_outside_0_to_999(alb: Alb, weight: int, bound) -> None:
    with pytest.raises(ClientError) as caught:
        alb.elbv2.modify_listener(ListenerArn=alb.listener, DefaultActions=alb.forward(95, weight))
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationError"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    where = "defaultActions.1.member.forwardConfig.targetGroups.2.member.weight"
    assert error["Error"]["Message"] == _message(weight, where, bound)
    assert alb.weights() == [100, 0]  # nothing changed


def test_create_listener_and_rules_refuse_it_too(alb: Alb) -> None:
    with pytest.raises(ClientError, match=r"Value '1000' at 'defaultActions\.1\.member"):
        alb.elbv2.create_listener(
            LoadBalancerArn=alb.load_balancer,
            Protocol="HTTP",
            Port=8080,
            DefaultActions=alb.forward(1000, 0),
        )
    conditions = [{"Field": "path-pattern", "Values": ["/api/*"]}]
    with pytest.raises(ClientError, match=r"Value '-1' at 'actions\.1\.member"):
        alb.elbv2.create_rule(
            ListenerArn=alb.listener, Priority=1, Conditions=conditions, Actions=alb.forward(-1, 0)
        )
    rule = alb.elbv2.create_rule(
        ListenerArn=alb.listener, Priority=1, Conditions=conditions, Actions=alb.forward(1, 0)
    )["Rules"][0]["RuleArn"]
    with pytest.raises(ClientError, match=r"Value '1000' at 'actions\.1\.member"):
        alb.elbv2.modify_rule(RuleArn=rule, Actions=alb.forward(0, 1000))
    listeners = alb.elbv2.describe_listeners(LoadBalancerArn=alb.load_balancer)["Listeners"]
    assert [listener["Port"] for listener in listeners] == [80]


def test_the_bounds_themselves_are_accepted(alb: Alb) -> None:
    alb.elbv2.modify_listener(ListenerArn=alb.listener, DefaultActions=alb.forward(999, 0))
    assert alb.weights() == [999, 0]
