"""EC2 drivers: a backup image (the rollback point) and a launch-template version on a new AMI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import CloudError, Progress
from tui.runbook.model import Step


class CreateImageDriver(Driver):
    """`ec2.create_image`: CreateImage of one instance, then wait until the image is available.

    Image names are unique in an account, so the name is what `find_started` looks for. There
    is no undo: the image is the rollback point and stays.
    """

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.image_id: str | None = None
        self.instance_id: str | None = None
        self._snapshots_tagged = False

    @property
    def name(self) -> str:
        """The new image's name."""
        return str(self.args["name"])

    def capture(self) -> dict[str, Any]:
        """The instance to image and the images that already have the step's name."""
        if self.args.get("instance"):
            found = self.ctx.resolve.ec2_instance(str(self.args["instance"]))["InstanceId"]
        else:
            found = self.ctx.resolve.in_service_instance(str(self.args["from_group"]))
        self.instance_id = found
        existing = [i["ImageId"] for i in self.ctx.resolve.images_named(self.name)]
        return {"instance": found, "name": self.name, "existing_images": existing}

    def start(self) -> Progress:
        """CreateImage (the image tagged at once), then follow it."""
        ec2 = self.client("ec2")
        existing = self.ctx.resolve.images_named(self.name)
        if existing:
            # AWS refuses a duplicate name too; saying which image has it is more useful.
            raise CloudError(
                f"ec2.CreateImage on {self.name}: InvalidAMIName.Duplicate: image "
                f"{existing[0]['ImageId']} already has this name: choose another name (--set) "
                "or deregister the old image",
                service="ec2",
                operation="CreateImage",
                code="InvalidAMIName.Duplicate",
            )
        if self.instance_id is None:
            self.capture()
        params: dict[str, Any] = {
            "InstanceId": self.instance_id,
            "Name": self.name,
            "Description": f"turnout step {self.step.id}",
            "NoReboot": bool(self.args.get("no_reboot", True)),
        }
        if self.tags:
            params["TagSpecifications"] = [{"ResourceType": "image", "Tags": self.tags}]
        self.image_id = call(ec2, "create_image", self.name, **params)["ImageId"]
        self.watch_for(self.args["timeout"])
        return self.poll()

    @property
    def tags(self) -> list[dict[str, str]]:
        """The step's `tags` as EC2 wants them."""
        return [{"Key": k, "Value": str(v)} for k, v in (self.args.get("tags") or {}).items()]

    def poll(self) -> Progress:
        """DescribeImages until `available` (tagging its snapshots then), `failed` or timeout."""
        assert self.image_id is not None, "poll before start or find_started"
        ec2 = self.client("ec2")
        images = call(ec2, "describe_images", self.image_id, ImageIds=[self.image_id])["Images"]
        state = images[0]["State"] if images else "pending"  # EC2 may not list it at once
        detail = {"image": {"id": self.image_id, "name": self.name, "state": state}}
        what = f"Image {self.image_id} ({self.name}) of {self.instance_id}"
        if state == "available":
            self._tag_snapshots(ec2, images[0])
            return Progress("done", f"{what} is available", 100.0, detail)
        if state in ("failed", "invalid", "error", "deregistered"):
            reason = (images[0].get("StateReason") or {}).get("Message") or state
            return Progress("failed", f"{what} is {state}", None, detail, reason)
        if not self.args.get("wait", True):
            return Progress("done", f"{what} is {state}; not waiting for it", None, detail)
        if self.overdue:
            return Progress(
                "failed",
                f"{what} is still {state}",
                None,
                detail,
                f"the image was not available within {self.timeout_text()} (timeout)",
            )
        return Progress("running", f"{what} is {state}", None, detail)

    def _tag_snapshots(self, ec2: Any, image: dict[str, Any]) -> None:
        # Snapshots exist only once the image does; they carry the same tags, as the argument
        # promises, so a cleanup by tag finds both.
        if self._snapshots_tagged or not self.tags:
            return
        snapshots = [
            m["Ebs"]["SnapshotId"]
            for m in image.get("BlockDeviceMappings", [])
            if m.get("Ebs", {}).get("SnapshotId")
        ]
        if snapshots:
            call(ec2, "create_tags", self.name, Resources=snapshots, Tags=self.tags)
        self._snapshots_tagged = True

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """An image with the step's name that was not there at capture is this step's."""
        before = set(captured.get("existing_images") or [])
        named = self.ctx.resolve.images_named(self.name)
        new = [i for i in named if i["ImageId"] not in before]
        if not new:
            return False
        self.image_id = new[0]["ImageId"]
        self.instance_id = str(captured.get("instance") or new[0].get("SourceInstanceId") or "")
        self.watch_for(self.args["timeout"])
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """Keeps the image: it is the rollback point."""
        image = self.image_id or ", ".join(captured.get("existing_images") or []) or self.name
        self.undo_progress = Progress(
            "done",
            f"Kept image {image}: it is the rollback point (deregister it by hand once the "
            "upgrade has settled)",
        )
        return self.undo_progress


class CreateTemplateVersionDriver(Driver):
    """`launch_template.create_version`: a version copied from `source_version` on a new AMI
    (and instance type), made the default; undo makes the old default the default again."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.template_id: str | None = None
        self.version: int | None = None

    @property
    def name(self) -> str:
        """The launch template's name."""
        return str(self.args["template"])

    def capture(self) -> dict[str, Any]:
        """The template's id, default and latest version, and the source version's image."""
        template = self.ctx.resolve.launch_template(self.name)
        self.template_id = template["LaunchTemplateId"]
        source = str(self.args.get("source_version") or "$Default")
        version = self.ctx.resolve.launch_template_version(self.template_id, self.name, source)
        return {
            "template": self.name,
            "template_id": self.template_id,
            "default_version": int(template["DefaultVersionNumber"]),
            "latest_version": int(template["LatestVersionNumber"]),
            "source_version": int(version["VersionNumber"]),
            "source_image": version.get("LaunchTemplateData", {}).get("ImageId"),
        }

    def start(self) -> Progress:
        """CreateLaunchTemplateVersion from the source, then ModifyLaunchTemplate (default)."""
        ec2 = self.client("ec2")
        if self.template_id is None:
            self.template_id = self.ctx.resolve.launch_template(self.name)["LaunchTemplateId"]
        data: dict[str, Any] = {"ImageId": self.args["image"]}
        if self.args.get("instance_type"):
            data["InstanceType"] = self.args["instance_type"]
        created = call(
            ec2,
            "create_launch_template_version",
            self.name,
            LaunchTemplateId=self.template_id,
            SourceVersion=str(self.args.get("source_version") or "$Default"),
            VersionDescription=str(self.args.get("description") or ""),
            LaunchTemplateData=data,
        )["LaunchTemplateVersion"]
        self.version = int(created["VersionNumber"])
        return self.poll()

    def poll(self) -> Progress:
        """Makes the new version the default if that is still due; done at once."""
        assert self.version is not None, "poll before start or find_started"
        ec2 = self.client("ec2")
        default = int(self.ctx.resolve.launch_template(self.name)["DefaultVersionNumber"])
        if self.args.get("set_default", True) and default != self.version:
            call(
                ec2,
                "modify_launch_template",
                self.name,
                LaunchTemplateId=self.template_id,
                DefaultVersion=str(self.version),
            )
            default = self.version
        detail = {
            "launch_template": {
                "name": self.name,
                "version": self.version,
                "default": default,
                "image": self.args["image"],
            }
        }
        summary = f"{self.name} version {self.version} on {self.args['image']}" + (
            " is the default" if default == self.version else f"; the default stays {default}"
        )
        return Progress("done", summary, 100.0, detail)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """A version newer than the latest at capture, on the step's image, is this step's."""
        ec2 = self.client("ec2")
        self.template_id = str(captured["template_id"])
        latest = int(captured["latest_version"])
        versions = call(
            ec2,
            "describe_launch_template_versions",
            self.name,
            LaunchTemplateId=self.template_id,
            MinVersion=str(latest + 1),
        )["LaunchTemplateVersions"]
        ours = [
            int(v["VersionNumber"])
            for v in versions
            if int(v["VersionNumber"]) > latest
            and v.get("LaunchTemplateData", {}).get("ImageId") == self.args["image"]
        ]
        if not ours:
            return False
        self.version = min(ours)
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """ModifyLaunchTemplate: the default version before the step is the default again."""
        previous = int(captured["default_version"])
        call(
            self.client("ec2"),
            "modify_launch_template",
            self.name,
            LaunchTemplateId=str(captured["template_id"]),
            DefaultVersion=str(previous),
        )
        kept = f" (version {self.version} stays, unused)" if self.version else ""
        self.undo_progress = Progress(
            "done",
            f"{self.name} default version is {previous} again{kept}",
            100.0,
            {"launch_template": {"name": self.name, "default": previous}},
        )
        return self.undo_progress


DRIVERS = {
    "ec2.create_image": CreateImageDriver,
    "launch_template.create_version": CreateTemplateVersionDriver,
}
