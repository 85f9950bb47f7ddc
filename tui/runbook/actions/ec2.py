"""EC2 actions: a backup image of an instance (the rollback point for an AMI upgrade)."""

from __future__ import annotations

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

CREATE_IMAGE = ActionSpec(
    name="ec2.create_image",
    summary="Create an AMI of an instance and wait until it is available.",
    risk=Risk.MUTATING,
    args=(
        arg("instance", T.STRING, "The instance, by Name tag or id."),
        arg(
            "from_group",
            T.STRING,
            "Or: an Auto Scaling group; one of its InService instances is imaged.",
        ),
        arg("name", T.STRING, "The new image's name (unique in the account).", required=True),
        arg(
            "no_reboot",
            T.BOOLEAN,
            "Image without rebooting the instance (no downtime).",
            default=True,
        ),
        arg(
            "wait",
            T.BOOLEAN,
            "Wait until the image is available before the step completes.",
            default=True,
        ),
        arg(
            "timeout",
            T.DURATION,
            "How long to wait for the image.",
            default=Duration(1800),
            minimum=60,
        ),
        arg("tags", T.STRING_MAP, "Tags for the image and its snapshots.", default={}),
    ),
    operations=(
        "ec2.DescribeInstances",
        "autoscaling.DescribeAutoScalingGroups",
        "ec2.CreateImage",
        "ec2.CreateTags",
        "ec2.DescribeImages",
    ),
    undo="Keeps the image: it is the rollback point. Deregister it by hand once the upgrade has"
    " settled.",
    records="The image id it created and the instance it imaged.",
    exactly_one_of=(("instance", "from_group"),),
)

ACTIONS = (CREATE_IMAGE,)
