"""EC2 names to resources: an instance (by id, or by a Name tag that must be unambiguous), the
account's images of a name, a launch template and one of its versions."""

from __future__ import annotations

import re
from typing import Any

from tui.aws.calls import call
from tui.aws.protocol import CloudError
from tui.aws.resolve.missing import first, not_found

_INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")
# Instances that can still be imaged or watched; terminated ones keep their Name tag for an hour.
_LIVE_STATES = ["pending", "running", "stopping", "stopped"]


def instance(ec2: Any, name_or_id: str, account: str | None = None) -> dict[str, Any]:
    """The live EC2 instance with this id, or with this Name tag (which must be unambiguous)."""
    if _INSTANCE_ID.match(name_or_id):
        params: dict[str, Any] = {"InstanceIds": [name_or_id]}
    else:
        params = {
            "Filters": [
                {"Name": "tag:Name", "Values": [name_or_id]},
                {"Name": "instance-state-name", "Values": _LIVE_STATES},
            ]
        }
    try:
        reservations = call(ec2, "describe_instances", name_or_id, **params)["Reservations"]
    except CloudError as exc:
        # An unknown id is an error; an unknown Name tag is an empty list.
        if exc.code != "InvalidInstanceID.NotFound":
            raise
        reservations = []
    found = [i for r in reservations for i in r["Instances"]]
    if not found:
        raise not_found(
            ec2,
            "DescribeInstances",
            "live EC2 instance (id or Name tag)",
            name_or_id,
            account=account,
        )
    if len(found) > 1:
        ids = ", ".join(sorted(i["InstanceId"] for i in found))
        raise CloudError(
            f"ec2.DescribeInstances on {name_or_id}: Ambiguous: {len(found)} live instances are "
            f"named {name_or_id} ({ids}): give the instance id instead, or each a unique Name tag",
            service="ec2",
            operation="DescribeInstances",
            code="Ambiguous",
        )
    return found[0]


def launch_template(ec2: Any, name: str, account: str | None = None) -> dict[str, Any]:
    """The launch template called `name` (id, default and latest version numbers)."""
    return first(
        ec2,
        "describe_launch_templates",
        "LaunchTemplates",
        "launch template",
        name,
        ("InvalidLaunchTemplateName.NotFoundException",),
        account=account,
        LaunchTemplateNames=[name],
    )


def launch_template_version(
    ec2: Any, template_id: str, name: str, version: str, account: str | None = None
) -> dict[str, Any]:
    """Version `version` (a number, `$Default` or `$Latest`) of launch template `name`."""
    return first(
        ec2,
        "describe_launch_template_versions",
        "LaunchTemplateVersions",
        "launch template version",
        f"{name}:{version}",
        ("InvalidLaunchTemplateId.VersionNotFound",),
        account=account,
        advice=f"check `source_version` in the runbook against {name}'s versions",
        LaunchTemplateId=template_id,
        Versions=[version],
    )


def images_named(ec2: Any, name: str) -> list[dict[str, Any]]:
    """The account's own images called `name` (none, or one: EC2 keeps image names unique)."""
    return call(
        ec2,
        "describe_images",
        name,
        Owners=["self"],
        Filters=[{"Name": "name", "Values": [name]}],
    )["Images"]
