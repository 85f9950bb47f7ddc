"""RDS drivers: a snapshot (the rollback point), a Blue/Green deployment, and its switchover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import CloudError, Progress
from tui.aws.resolve import short_arn
from tui.runbook.model import Step

# A switchover that outlives its SwitchoverTimeout is rolled back by RDS itself; turnout watches
# this much longer before it gives up on hearing how it ended.
_SWITCHOVER_GRACE = 300


class CreateSnapshotDriver(Driver):
    """`rds.create_snapshot`: CreateDBSnapshot, then wait until it is available. No undo: the
    snapshot is the rollback point."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.snapshot = str(self.args["snapshot"])

    def capture(self) -> dict[str, Any]:
        """The DB instance (which must exist) and whether the snapshot already does."""
        self.ctx.resolve.db_instance(str(self.args["instance"]))
        existing = self.ctx.resolve.find_db_snapshot(self.snapshot)
        return {
            "instance": self.args["instance"],
            "snapshot": self.snapshot,
            "existed": existing is not None,
        }

    def start(self) -> Progress:
        """CreateDBSnapshot."""
        call(
            self.client("rds"),
            "create_db_snapshot",
            self.snapshot,
            DBInstanceIdentifier=str(self.args["instance"]),
            DBSnapshotIdentifier=self.snapshot,
        )
        self.watch_for(self.args["timeout"])
        return self.poll()

    def poll(self) -> Progress:
        """DescribeDBSnapshots until `available`."""
        found = self.ctx.resolve.find_db_snapshot(self.snapshot)
        state = found["Status"] if found else "creating"
        percent = float(found.get("PercentProgress") or 0) if found else 0.0
        detail = {
            "snapshot": {
                "id": self.snapshot,
                "arn": found.get("DBSnapshotArn") if found else None,
                "state": state,
                "percent": percent,
            }
        }
        what = f"Snapshot {self.snapshot} of {self.args['instance']}"
        if state == "available":
            return Progress("done", f"{what} is available", 100.0, detail)
        if state in ("failed", "incompatible-restore", "deleting", "deleted"):
            return Progress("failed", f"{what} is {state}", percent, detail, f"snapshot {state}")
        if not self.args.get("wait", True):
            return Progress("done", f"{what} is {state}; not waiting for it", percent, detail)
        if self.overdue:
            why = f"the snapshot was not available within {self.timeout_text()} (timeout)"
            return Progress("failed", f"{what} is still {state}", percent, detail, why)
        return Progress("running", f"{what} is {state} ({percent:g} %)", percent, detail)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """The snapshot exists now and did not at capture."""
        if captured.get("existed") or self.ctx.resolve.find_db_snapshot(self.snapshot) is None:
            return False
        self.watch_for(self.args["timeout"])
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """Keeps the snapshot: it is the rollback point."""
        self.undo_progress = Progress(
            "done",
            f"Kept snapshot {self.snapshot}: it is the rollback point (delete it by hand once "
            "the upgrade has settled)",
        )
        return self.undo_progress


def blue_green_detail(deployment: Mapping[str, Any]) -> dict[str, Any]:
    """`detail["blue_green"]` as tui/aws/protocol.py's Progress documents it."""
    return {
        "name": deployment.get("BlueGreenDeploymentName"),
        "id": deployment.get("BlueGreenDeploymentIdentifier"),
        "status": deployment.get("Status"),
        "status_details": deployment.get("StatusDetails") or "",
        "source": short_arn(deployment.get("Source") or ""),
        "target": short_arn(deployment.get("Target") or ""),
        "tasks": [{"name": t["Name"], "status": t["Status"]} for t in deployment.get("Tasks", [])],
        "switchover": [
            {
                "source": short_arn(m.get("SourceMember", "")),
                "target": short_arn(m.get("TargetMember", "")),
                "status": m.get("Status"),
            }
            for m in deployment.get("SwitchoverDetails", [])
        ],
    }


class CreateBlueGreenDriver(Driver):
    """`rds.create_blue_green`: CreateBlueGreenDeployment, then wait for AVAILABLE while its
    tasks run; undo deletes the deployment and its green instances (blue is untouched)."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.name = str(self.args["name"])
        self.deployment_id: str | None = None
        self._deleted = False
        self._delete_target = True

    def capture(self) -> dict[str, Any]:
        """The blue instance's ARN, and any deployment that already has the step's name."""
        source = self.ctx.resolve.db_instance(str(self.args["source"]))
        existing = self.ctx.resolve.find_blue_green(self.name)
        return {
            "name": self.name,
            "source": self.args["source"],
            "source_arn": source["DBInstanceArn"],
            "existing": existing["BlueGreenDeploymentIdentifier"] if existing else None,
        }

    def start(self) -> Progress:
        """CreateBlueGreenDeployment from the blue instance, with the green settings given."""
        rds = self.client("rds")
        source = self.ctx.resolve.db_instance(str(self.args["source"]))
        params: dict[str, Any] = {
            "BlueGreenDeploymentName": self.name,
            "Source": source["DBInstanceArn"],
        }
        for arg, key in (
            ("engine_version", "TargetEngineVersion"),
            ("parameter_group", "TargetDBParameterGroupName"),
            ("instance_class", "TargetDBInstanceClass"),
        ):
            if self.args.get(arg):
                params[key] = str(self.args[arg])
        created = call(rds, "create_blue_green_deployment", self.name, **params)
        self.deployment_id = created["BlueGreenDeployment"]["BlueGreenDeploymentIdentifier"]
        self.watch_for(self.args["timeout"])
        return self.poll()

    def poll(self) -> Progress:
        """DescribeBlueGreenDeployments until AVAILABLE, reporting each task."""
        assert self.deployment_id is not None, "poll before start or find_started"
        found = self.ctx.resolve.find_blue_green_by_id(self.deployment_id, self.name)
        if found is None:
            return Progress("failed", f"{self.name} is gone", reason="the deployment was deleted")
        detail = {"blue_green": blue_green_detail(found)}
        tasks = detail["blue_green"]["tasks"]
        done = sum(t["status"] == "COMPLETED" for t in tasks)
        percent = 100.0 * done / len(tasks) if tasks else None
        status = found["Status"]
        running = next((t["name"] for t in tasks if t["status"] == "IN_PROGRESS"), None)
        summary = f"Blue/Green {self.name} is {status}" + (
            f": {running} ({done}/{len(tasks)} tasks done)" if running else ""
        )
        if status == "AVAILABLE":
            return Progress("done", summary, 100.0, detail)
        if status != "PROVISIONING":
            why = found.get("StatusDetails") or f"the deployment is {status}"
            return Progress("failed", summary, percent, detail, why)
        if self.overdue:
            why = f"the deployment was not AVAILABLE within {self.timeout_text()} (timeout)"
            return Progress("failed", summary, percent, detail, why)
        return Progress("running", summary, percent, detail)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """A deployment with the step's name that was not there at capture is this step's."""
        found = self.ctx.resolve.find_blue_green(self.name)
        if found is None or found["BlueGreenDeploymentIdentifier"] == captured.get("existing"):
            return False
        self.deployment_id = found["BlueGreenDeploymentIdentifier"]
        self.watch_for(self.args["timeout"])
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """DeleteBlueGreenDeployment with its green instances (not a deployment that existed
        before the step, and not green instances that a switchover made production)."""
        found = self.ctx.resolve.find_blue_green(self.name)
        if found is None:
            return self._finish("done", f"Blue/Green {self.name} is already gone")
        if found["BlueGreenDeploymentIdentifier"] == captured.get("existing"):
            return self._finish("done", f"Blue/Green {self.name} existed before the step: kept")
        self.deployment_id = found["BlueGreenDeploymentIdentifier"]
        self._deleted = False
        self.watch_for(self.args["timeout"])
        return self.poll_undo()

    def poll_undo(self) -> Progress:
        """Delete once the deployment is not switching over, then wait until it is gone."""
        if self.deployment_id is None:
            return self.undo_progress
        rds = self.client("rds")
        found = self.ctx.resolve.find_blue_green_by_id(self.deployment_id, self.name)
        if found is None:
            self.deployment_id = None
            what = (
                "and its green instances"
                if self._delete_target
                else ("(not its instances: the switchover had made green production)")
            )
            return self._finish("done", f"Deleted Blue/Green {self.name} {what}")
        detail = {"blue_green": blue_green_detail(found)}
        if found["Status"] == "SWITCHOVER_IN_PROGRESS":
            summary = f"Waiting for {self.name}'s switchover to end before deleting it"
        elif not self._deleted:
            # After a switchover green is production: delete only the deployment record.
            self._delete_target = found["Status"] != "SWITCHOVER_COMPLETED"
            call(
                rds,
                "delete_blue_green_deployment",
                self.name,
                BlueGreenDeploymentIdentifier=self.deployment_id,
                DeleteTarget=self._delete_target,
            )
            self._deleted = True
            return self.poll_undo()
        else:
            summary = f"Deleting Blue/Green {self.name} ({found['Status']})"
        if self.overdue:
            return self._finish(
                "failed", summary, detail, f"not deleted within {self.timeout_text()}"
            )
        return Progress("running", summary, None, detail)

    def _finish(
        self, state: str, summary: str, detail: Mapping[str, Any] | None = None, why: str = ""
    ) -> Progress:
        self.undo_progress = Progress(state, summary, None, dict(detail or {}), why)
        return self.undo_progress


class SwitchoverDriver(Driver):
    """`rds.switchover_blue_green`: SwitchoverBlueGreenDeployment with the step's timeout, then
    follow it to SWITCHOVER_COMPLETED. Irreversible: no undo. A switchover that RDS refuses or
    rolls back (timeout) is a failure with RDS's own words."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.name = str(self.args["deployment"])
        self.deployment_id: str | None = None

    def state(self) -> str:
        view = blue_green_detail(self.ctx.resolve.blue_green(self.name))
        return f"{self.name}: {view['status']} (blue {view['source']}, green {view['target']})"

    def capture(self) -> dict[str, Any]:
        """The deployment's status and its source and target instances before the switchover."""
        found = self.ctx.resolve.blue_green(self.name)
        self.deployment_id = found["BlueGreenDeploymentIdentifier"]
        view = blue_green_detail(found)
        return {
            "deployment": self.name,
            "id": self.deployment_id,
            "status": view["status"],
            "status_details": view["status_details"],
            "source": view["source"],
            "target": view["target"],
        }

    def start(self) -> Progress:
        """SwitchoverBlueGreenDeployment; RDS's refusal (its switchover guardrails: replica lag,
        long-running writes, a status other than AVAILABLE) is reported as the step failing."""
        rds = self.client("rds")
        if self.deployment_id is None:
            self.capture()
        timeout = int(self.args["timeout"])
        try:
            call(
                rds,
                "switchover_blue_green_deployment",
                self.name,
                BlueGreenDeploymentIdentifier=self.deployment_id,
                SwitchoverTimeout=timeout,
            )
        except CloudError as exc:
            if exc.code != "InvalidBlueGreenDeploymentStateFault":
                raise
            found = self.ctx.resolve.find_blue_green_by_id(str(self.deployment_id), self.name) or {}
            detail = {"blue_green": blue_green_detail(found)} if found else {}
            return Progress(
                "failed", f"RDS refused to switch {self.name} over", None, detail, str(exc)
            )
        self.watch_for(timeout + _SWITCHOVER_GRACE)
        return self.poll()

    def poll(self) -> Progress:
        """Follow SWITCHOVER_IN_PROGRESS to SWITCHOVER_COMPLETED (or RDS's rollback)."""
        assert self.deployment_id is not None, "poll before start or find_started"
        found = self.ctx.resolve.find_blue_green_by_id(self.deployment_id, self.name)
        if found is None:
            return Progress("failed", f"{self.name} is gone", reason="the deployment was deleted")
        view = blue_green_detail(found)
        detail = {"blue_green": view}
        status = found["Status"]
        if status == "SWITCHOVER_COMPLETED":
            renames = "; ".join(
                f"{m['target']} (was green), old blue {m['source']}" for m in view["switchover"]
            )
            return Progress("done", f"{self.name} switched over: {renames}", 100.0, detail)
        if status == "SWITCHOVER_IN_PROGRESS":
            if self.overdue:
                waited = int(self.args["timeout"]) + _SWITCHOVER_GRACE
                why = f"RDS still reports SWITCHOVER_IN_PROGRESS after {waited} s"
                return Progress("failed", f"{self.name} is still switching over", None, detail, why)
            return Progress("running", f"{self.name}: SWITCHOVER_IN_PROGRESS", None, detail)
        # AVAILABLE again (RDS rolled the switchover back) or SWITCHOVER_FAILED.
        why = found.get("StatusDetails") or f"the switchover ended with status {status}"
        return Progress("failed", f"{self.name} did not switch over ({status})", None, detail, why)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """The deployment is switching (or has switched) over, or RDS has rolled a switchover
        back since capture (its StatusDetails changed): either way it was sent."""
        found = self.ctx.resolve.blue_green(self.name)
        self.deployment_id = found["BlueGreenDeploymentIdentifier"]
        status = found["Status"]
        details = found.get("StatusDetails") or ""
        started = status.startswith("SWITCHOVER_") or (
            status == "AVAILABLE" and details != (captured.get("status_details") or "")
        )
        if started:
            self.watch_for(int(self.args["timeout"]) + _SWITCHOVER_GRACE)
        return started

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """None: a switchover is irreversible (RDS keeps the old blue instances, renamed)."""
        self.undo_progress = Progress(
            "done",
            f"{self.name} is not switched back: a switchover is irreversible (the old blue "
            "instances are kept with the suffix -old1; going back is a manual restore)",
        )
        return self.undo_progress


DRIVERS = {
    "rds.create_snapshot": CreateSnapshotDriver,
    "rds.create_blue_green": CreateBlueGreenDriver,
    "rds.switchover_blue_green": SwitchoverDriver,
}
