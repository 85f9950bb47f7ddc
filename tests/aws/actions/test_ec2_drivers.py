"""ec2.create_image and launch_template.create_version against the rehearsal world."""

from __future__ import annotations

import pytest

from tests.aws.actions.driving import context, follow, make_step, world_fixture
from tui.aws.actions.ec2 import DRIVERS, CreateImageDriver, CreateTemplateVersionDriver
from tui.aws.protocol import CloudError
from tui.rehearsal import names

world = world_fixture("healthy")


def _images(world, name: str) -> list[dict]:
    return world.clients.client("ec2").describe_images(
        Owners=["self"], Filters=[{"Name": "name", "Values": [name]}]
    )["Images"]


def _template(world, name: str) -> dict:
    return world.clients.client("ec2").describe_launch_templates(LaunchTemplateNames=[name])[
        "LaunchTemplates"
    ][0]


def test_the_module_offers_both_actions() -> None:
    assert set(DRIVERS) == {"ec2.create_image", "launch_template.create_version"}


def test_create_image_from_a_group_images_one_of_its_in_service_instances(world) -> None:
    step = make_step(
        "ec2.create_image",
        from_group=names.WEB_ASG,
        name="web-backup-1",
        tags={"purpose": "rollback-point"},
    )
    driver = CreateImageDriver(context(world, step), step)
    captured = driver.capture()
    group = world.clients.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[names.WEB_ASG]
    )["AutoScalingGroups"][0]
    assert captured["instance"] in {i["InstanceId"] for i in group["Instances"]}
    assert captured["existing_images"] == []

    progress = driver.start()
    if progress.state == "running":
        progress, _ = follow(world, driver.poll, interval=30, limit=600)
    assert progress.done, progress
    image = _images(world, "web-backup-1")
    assert len(image) == 1 and progress.detail["image"]["id"] == image[0]["ImageId"]
    assert image[0]["SourceInstanceId"] == captured["instance"]
    assert {"Key": "purpose", "Value": "rollback-point"} in image[0]["Tags"]
    snapshot = image[0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    tags = world.clients.client("ec2").describe_tags(
        Filters=[{"Name": "resource-id", "Values": [snapshot]}]
    )["Tags"]
    assert {(t["Key"], t["Value"]) for t in tags} == {("purpose", "rollback-point")}

    # A second driver for the same step (a resumed session) finds the image instead of making
    # another, and undo keeps it.
    again = CreateImageDriver(context(world, step), step)
    assert again.find_started(captured)
    assert again.poll().done
    assert again.undo(captured).done
    assert len(_images(world, "web-backup-1")) == 1


def test_create_image_of_a_named_instance_and_a_name_already_taken(world) -> None:
    step = make_step("ec2.create_image", instance=names.REPORTS_INSTANCE, name="reports-backup")
    driver = CreateImageDriver(context(world, step), step)
    captured = driver.capture()
    reports = world.clients.client("ec2").describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [names.REPORTS_INSTANCE]}]
    )["Reservations"][0]["Instances"][0]
    assert captured["instance"] == reports["InstanceId"]
    assert not driver.find_started(captured)  # nothing made yet: the engine must start it
    assert driver.start().state in ("running", "done")

    duplicate = CreateImageDriver(context(world, step), step)
    assert duplicate.capture()["existing_images"]
    with pytest.raises(CloudError, match="already has this name") as raised:
        duplicate.start()
    assert raised.value.code == "InvalidAMIName.Duplicate"
    assert len(_images(world, "reports-backup")) == 1


def test_create_image_of_an_unknown_instance_names_it(world) -> None:
    step = make_step("ec2.create_image", instance="no-such-box", name="x")
    with pytest.raises(
        CloudError,
        match=r"^no live EC2 instance \(id or Name tag\) 'no-such-box' in region us-east-1: check",
    ) as raised:
        CreateImageDriver(context(world, step), step).capture()
    assert raised.value.code == "NotFound"


def test_template_version_becomes_the_default_and_undo_restores_the_old_one(world) -> None:
    step = make_step(
        "launch_template.create_version",
        template=names.BATCH_LT,
        image=names.AMI_WEB_V2,
        instance_type="m5.large",
        description="batch on v2",
    )
    driver = CreateTemplateVersionDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["default_version"] == 1 and captured["source_image"] == names.AMI_WEB_V1

    progress = driver.start()
    assert progress.done and progress.detail["launch_template"]["default"] == 2
    template = _template(world, names.BATCH_LT)
    assert template["DefaultVersionNumber"] == 2
    version = world.clients.client("ec2").describe_launch_template_versions(
        LaunchTemplateName=names.BATCH_LT, Versions=["2"]
    )["LaunchTemplateVersions"][0]
    data = version["LaunchTemplateData"]
    assert data["ImageId"] == names.AMI_WEB_V2 and data["InstanceType"] == "m5.large"
    assert data["SecurityGroupIds"], "the source version's settings are copied"

    undone = driver.undo(captured)
    assert undone.done and driver.poll_undo().done
    assert _template(world, names.BATCH_LT)["DefaultVersionNumber"] == 1
    assert _template(world, names.BATCH_LT)["LatestVersionNumber"] == 2  # the version stays


def test_template_version_resumed_between_create_and_default(world) -> None:
    """A crash after CreateLaunchTemplateVersion but before ModifyLaunchTemplate: the resumed
    driver finds the version and finishes the job without making a second one."""
    step = make_step(
        "launch_template.create_version", template=names.WEB_GREEN_LT, image=names.AMI_WEB_V1
    )
    first = CreateTemplateVersionDriver(context(world, step), step)
    captured = first.capture()
    ec2 = world.clients.client("ec2")
    ec2.create_launch_template_version(  # what `start` sent before the crash
        LaunchTemplateId=captured["template_id"],
        SourceVersion="$Default",
        LaunchTemplateData={"ImageId": names.AMI_WEB_V1},
    )
    resumed = CreateTemplateVersionDriver(context(world, step), step)
    assert resumed.find_started(captured)
    assert resumed.poll().done
    template = _template(world, names.WEB_GREEN_LT)
    assert (template["DefaultVersionNumber"], template["LatestVersionNumber"]) == (2, 2)


def test_unknown_template_is_a_clear_error(world) -> None:
    step = make_step("launch_template.create_version", template="nope-lt", image=names.AMI_WEB_V2)
    words = r"^no launch template 'nope-lt' in region us-east-1: check the name"
    with pytest.raises(CloudError, match=words):
        CreateTemplateVersionDriver(context(world, step), step).capture()
