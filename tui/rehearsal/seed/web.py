"""The web tier: launch templates, the ALB with weighted blue/green target groups, the ASGs."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def _launch_template(ec2: Any, name: str, image: str, security_group: str) -> str:
    return ec2.create_launch_template(
        LaunchTemplateName=name,
        VersionDescription="seeded by the rehearsal world",
        LaunchTemplateData={
            "ImageId": image,
            "InstanceType": "t3.small",
            "SecurityGroupIds": [security_group],
        },
    )["LaunchTemplate"]["LaunchTemplateId"]


def _target_group(elbv2: Any, name: str, vpc: str) -> str:
    arn = elbv2.create_target_group(
        Name=name,
        Protocol="HTTP",
        Port=80,
        VpcId=vpc,
        TargetType="instance",
        HealthCheckPath="/healthz",
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(
        TargetGroupArn=arn,
        Attributes=[
            {
                "Key": "deregistration_delay.timeout_seconds",
                "Value": str(names.DEREGISTRATION_DELAY),
            }
        ],
    )
    return arn


def seed_web(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create the web tier on the seeded network; return the new ids and ARNs."""
    ec2, elbv2, asg = clients.client("ec2"), clients.client("elbv2"), clients.client("autoscaling")
    subnets = [ids[f"subnet:{zone}"] for zone in names.ZONES]
    sg = ids["security_group"]
    out = {
        "launch_template:web": _launch_template(ec2, names.WEB_LT, names.AMI_WEB_V1, sg),
        "launch_template:web-green": _launch_template(
            ec2, names.WEB_GREEN_LT, names.AMI_WEB_V2, sg
        ),
        "launch_template:batch": _launch_template(ec2, names.BATCH_LT, names.AMI_WEB_V1, sg),
        "target_group:blue": _target_group(elbv2, names.TG_BLUE, ids["vpc"]),
        "target_group:green": _target_group(elbv2, names.TG_GREEN, ids["vpc"]),
    }
    alb = elbv2.create_load_balancer(
        Name=names.ALB, Subnets=subnets, SecurityGroups=[sg], Scheme="internet-facing"
    )["LoadBalancers"][0]
    out["load_balancer"] = alb["LoadBalancerArn"]
    out["load_balancer:dns"] = alb["DNSName"]
    out["listener"] = elbv2.create_listener(
        LoadBalancerArn=alb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": out["target_group:blue"], "Weight": 100},
                        {"TargetGroupArn": out["target_group:green"], "Weight": 0},
                    ]
                },
            }
        ],
    )["Listeners"][0]["ListenerArn"]

    zones = ",".join(subnets)
    for group, template, size, target_group in (
        (names.WEB_ASG, names.WEB_LT, 4, out["target_group:blue"]),
        (names.WEB_GREEN_ASG, names.WEB_GREEN_LT, 2, out["target_group:green"]),
    ):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=group,
            LaunchTemplate={"LaunchTemplateName": template, "Version": "1"},
            MinSize=2,
            MaxSize=8,
            DesiredCapacity=size,
            VPCZoneIdentifier=zones,
            TargetGroupARNs=[target_group],
            HealthCheckType="ELB",
            HealthCheckGracePeriod=60,
        )
    asg.create_auto_scaling_group(
        AutoScalingGroupName=names.BATCH_ASG,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {
                    "LaunchTemplateName": names.BATCH_LT,
                    "Version": "1",
                },
                "Overrides": [
                    {"InstanceType": "t3.small"},
                    {"InstanceType": "t3a.small"},
                    {"InstanceType": "m5.large"},
                ],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 1,
                "OnDemandPercentageAboveBaseCapacity": 25,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        MinSize=1,
        MaxSize=8,
        DesiredCapacity=4,
        VPCZoneIdentifier=zones,
    )
    return out
