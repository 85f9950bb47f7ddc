"""A small web tier built with boto3 only: VPC, two subnets, launch template, ALB target group, ASG.

Shared by the ASG-side fidelity tests (launch templates, target health, instance refresh), so each
test starts from what `web-asg` looks like in the rehearsal world: instances across two zones,
behind a target group with a 30 s deregistration delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from tui.rehearsal.server import FAKE_CREDENTIALS

AMI_V1 = "ami-0000000000000b001"
AMI_V2 = "ami-0000000000000b002"


@dataclass
class WebTier:
    """Names and ids of what `build_web_tier` made."""

    asg: Any
    ec2: Any
    elbv2: Any
    cloudwatch: Any
    group: str
    template_id: str
    target_group_arn: str


# One botocore session for every test here: a session loads each service model once, and a fresh
# session per client (as the shared fixture makes) spends most of a short test parsing JSON.
_SESSION = boto3.session.Session(region_name="us-east-1", **FAKE_CREDENTIALS)


def client(aws: Any, service: str) -> Any:
    """A real boto3 client for `service` in `aws`'s world, from the shared session."""
    return _SESSION.client(
        service, endpoint_url=aws.endpoint_url, config=Config(retries={"max_attempts": 1})
    )


def build_web_tier(
    aws: Any,
    capacity: int = 4,
    health_check_type: str = "ELB",
    grace_period: int = 60,
    interval: int = 10,
    healthy_threshold: int = 2,
    unhealthy_threshold: int = 2,
    deregistration_delay: int = 30,
    version: str = "1",
) -> WebTier:
    """Create the tier through the real APIs and return clients and names."""
    ec2 = client(aws, "ec2")
    elbv2 = client(aws, "elbv2")
    asg = client(aws, "autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.20.1.0/24", "us-east-1a"), ("10.20.2.0/24", "us-east-1b"))
    ]
    template_id = ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={"ImageId": AMI_V1, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    tg_arn = elbv2.create_target_group(
        Name="web-blue",
        Protocol="HTTP",
        Port=80,
        VpcId=vpc,
        HealthCheckIntervalSeconds=interval,
        HealthyThresholdCount=healthy_threshold,
        UnhealthyThresholdCount=unhealthy_threshold,
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(
        TargetGroupArn=tg_arn,
        Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": str(deregistration_delay)}
        ],
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchTemplate={"LaunchTemplateId": template_id, "Version": version},
        MinSize=0,
        MaxSize=capacity * 2,
        DesiredCapacity=capacity,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[tg_arn],
        HealthCheckType=health_check_type,
        HealthCheckGracePeriod=grace_period,
    )
    return WebTier(asg, ec2, elbv2, client(aws, "cloudwatch"), "web-asg", template_id, tg_arn)


def new_version(tier: WebTier, image_id: str = AMI_V2) -> str:
    """Create a template version on `image_id` inheriting the rest from version 1."""
    return str(
        tier.ec2.create_launch_template_version(
            LaunchTemplateId=tier.template_id,
            SourceVersion="1",
            LaunchTemplateData={"ImageId": image_id},
        )["LaunchTemplateVersion"]["VersionNumber"]
    )


def instances(tier: WebTier) -> list[dict[str, Any]]:
    """The group's instances as `describe_auto_scaling_groups` reports them."""
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])
    return group["AutoScalingGroups"][0]["Instances"]


def target_states(tier: WebTier) -> dict[str, str]:
    """Target id → health state, as `describe_target_health` lists them."""
    described = tier.elbv2.describe_target_health(TargetGroupArn=tier.target_group_arn)
    return {
        d["Target"]["Id"]: d["TargetHealth"]["State"] for d in described["TargetHealthDescriptions"]
    }
