"""The VPC, its two subnets (one per AZ), a security group and the two fixed-id web AMIs."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names
from tui.rehearsal.images import register_fixed_image


def _tag(name: str, kind: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def seed_network(clients: Any) -> dict[str, str]:
    """Create the network and the images; return their ids."""
    register_fixed_image(
        names.ACCOUNT, names.REGION, names.AMI_WEB_V1, "web-v1", "web tier, current release"
    )
    register_fixed_image(
        names.ACCOUNT, names.REGION, names.AMI_WEB_V2, "web-v2", "web tier, the upgrade"
    )
    ec2 = clients.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tag(names.VPC_NAME, "vpc"))[
        "Vpc"
    ]["VpcId"]
    # As any VPC that runs Fargate tasks or RDS does (moto's awsvpc tasks also need it).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    ids = {"vpc": vpc}
    for index, zone in enumerate(names.ZONES, start=1):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.0.{index}.0/24",
            AvailabilityZone=zone,
            TagSpecifications=_tag(f"{names.VPC_NAME}-{zone}", "subnet"),
        )["Subnet"]["SubnetId"]
        ids[f"subnet:{zone}"] = subnet
    ids["security_group"] = ec2.create_security_group(
        GroupName="web-sg", Description="web tier", VpcId=vpc
    )["GroupId"]
    return ids
