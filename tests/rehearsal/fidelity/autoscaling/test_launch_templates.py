"""Launch template versions and ASG instances through boto3, compared with what AWS documents.

- CreateLaunchTemplateVersion with `SourceVersion`: "the new version inherits the same launch
  parameters as the source version, except for parameters that you specify in
  LaunchTemplateData" (EC2 API reference). Without it, the version holds only what was given.
- Each Auto Scaling instance reports the launch template and version it was launched from
  (`Instance.LaunchTemplate` in DescribeAutoScalingGroups / DescribeAutoScalingInstances) until it
  is replaced; changing the template's default version does not relabel running instances.
- Instances are balanced across the group's Availability Zones.
"""

from __future__ import annotations

from asg_world import AMI_V1, AMI_V2, build_web_tier, instances

from tui.rehearsal.fidelity.autoscaling import launch_templates


def test_a_new_version_inherits_its_source_version(aws) -> None:
    tier = build_web_tier(aws, capacity=0)
    sg = tier.ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    v2 = tier.ec2.create_launch_template_version(
        LaunchTemplateId=tier.template_id,
        SourceVersion="1",
        LaunchTemplateData={"SecurityGroupIds": [sg], "UserData": "ZWNobyBoaQ=="},
    )["LaunchTemplateVersion"]["VersionNumber"]
    v3 = tier.ec2.create_launch_template_version(
        LaunchTemplateId=tier.template_id,
        SourceVersion=str(v2),
        LaunchTemplateData={"ImageId": AMI_V2},
    )["LaunchTemplateVersion"]
    data = v3["LaunchTemplateData"]
    assert data["ImageId"] == AMI_V2  # given: replaced
    assert data["InstanceType"] == "t3.micro"  # from version 1, through version 2
    assert data["SecurityGroupIds"] == [sg]  # from version 2

    described = tier.ec2.describe_launch_template_versions(
        LaunchTemplateId=tier.template_id, Versions=[str(v3["VersionNumber"])]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert described["InstanceType"] == "t3.micro"


def test_without_a_source_version_only_the_given_data_is_kept(aws) -> None:
    tier = build_web_tier(aws, capacity=0)
    bare = tier.ec2.create_launch_template_version(
        LaunchTemplateId=tier.template_id, LaunchTemplateData={"ImageId": AMI_V2}
    )["LaunchTemplateVersion"]["LaunchTemplateData"]
    assert bare == {"ImageId": AMI_V2}


def test_instances_keep_the_version_and_image_they_were_launched_from(aws) -> None:
    tier = build_web_tier(aws, capacity=2, version="$Default")
    tier.ec2.create_launch_template_version(
        LaunchTemplateId=tier.template_id, SourceVersion="1", LaunchTemplateData={"ImageId": AMI_V2}
    )
    tier.ec2.modify_launch_template(LaunchTemplateId=tier.template_id, DefaultVersion="2")
    old = {i["InstanceId"] for i in instances(tier)}
    tier.asg.set_desired_capacity(AutoScalingGroupName=tier.group, DesiredCapacity=3)

    by_id = {i["InstanceId"]: i for i in instances(tier)}
    (new,) = set(by_id) - old
    assert {by_id[i]["LaunchTemplate"]["Version"] for i in old} == {"1"}
    assert by_id[new]["LaunchTemplate"]["Version"] == "2"
    assert by_id[new]["LaunchTemplate"]["LaunchTemplateName"] == "web-lt"

    details = tier.asg.describe_auto_scaling_instances(InstanceIds=sorted(by_id))
    versions = {d["InstanceId"]: d["LaunchTemplate"]["Version"] for d in details[
        "AutoScalingInstances"
    ]}  # fmt: skip
    assert versions == {**dict.fromkeys(old, "1"), new: "2"}

    reservations = tier.ec2.describe_instances(InstanceIds=sorted(by_id))["Reservations"]
    images = {i["InstanceId"]: i["ImageId"] for r in reservations for i in r["Instances"]}
    assert images == {**dict.fromkeys(old, AMI_V1), new: AMI_V2}
    split = launch_templates.images_in_service(tier.group)
    assert {image: sorted(ids) for image, ids in split.items()} == {
        AMI_V1: sorted(old),
        AMI_V2: [new],
    }


def test_instances_are_balanced_across_zones(aws) -> None:
    tier = build_web_tier(aws, capacity=4)
    zones = sorted(i["AvailabilityZone"] for i in instances(tier))
    assert zones == ["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]
    reservations = tier.ec2.describe_instances(
        InstanceIds=[i["InstanceId"] for i in instances(tier)]
    )["Reservations"]
    subnets = {i["Placement"]["AvailabilityZone"]: i["SubnetId"] for r in reservations for i in
               r["Instances"]}  # fmt: skip
    assert len(set(subnets.values())) == 2  # each zone's instances sit in that zone's subnet


def test_fleet_knob_reports_each_instance_image_and_version(aws) -> None:
    tier = build_web_tier(aws, capacity=2)
    fleet = launch_templates.fleet(tier.group)
    assert {(m.image_id, m.version, m.template_id) for m in fleet} == {
        (AMI_V1, "1", tier.template_id)
    }
    assert sorted(m.instance_id for m in fleet) == sorted(i["InstanceId"] for i in instances(tier))
