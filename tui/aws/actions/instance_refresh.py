"""The `autoscaling.instance_refresh` driver: start a refresh with the runbook's preferences,
follow it, cancel it, and undo it (AWS's rollback where AWS allows it, else a refresh back)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions import group_config, refresh_view
from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import DENIED, CloudError, Progress
from tui.aws.resolve import not_found
from tui.runbook.model import Step

# AWS answers these when a refresh cannot be rolled back (or is no longer running): turnout then
# cancels it and starts a refresh back to the configuration recorded before the step.
_NO_ROLLBACK = ("IrreversibleInstanceRefresh", "ActiveInstanceRefreshNotFound")


class InstanceRefreshDriver(Driver):
    """Replace a group's instances with StartInstanceRefresh and watch DescribeInstanceRefreshes.

    `capture` records the group's launch configuration, the template version its instances run
    and the newest refresh before the step, so `find_started` can tell this step's refresh from
    older ones after a crash (and follow it rather than start a second).
    """

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.refresh_id: str | None = None
        self.notes: list[str] = []
        self._ask_target_health = True
        self._undo_mode: str | None = None  # "rollback" | "after_cancel" | "back" | None
        self._undo_refresh: str | None = None
        self._undo_captured: Mapping[str, Any] = {}

    @property
    def group(self) -> str:
        """The Auto Scaling group's name."""
        return str(self.args["group"])

    # -- reading AWS ----------------------------------------------------------------------------

    def _describe(self, refresh_id: str | None = None) -> dict[str, Any] | None:
        params: dict[str, Any] = {"AutoScalingGroupName": self.group}
        if refresh_id:
            params["InstanceRefreshIds"] = [refresh_id]
        else:
            params["MaxRecords"] = 1  # newest first
        found = call(
            self.client("autoscaling"), "describe_instance_refreshes", self.group, **params
        )["InstanceRefreshes"]
        return found[0] if found else None

    def state(self) -> str:
        newest = self._describe()
        if newest is None:
            return f"{self.group}: no instance refresh"
        done = newest.get("PercentageComplete")
        return f"{self.group}: newest instance refresh {newest['Status']}" + (
            f", {done} % complete" if done is not None else ""
        )

    def _refresh(self, refresh_id: str) -> dict[str, Any]:
        found = self._describe(refresh_id)
        if found is None:
            raise not_found(
                self.client("autoscaling"),
                "DescribeInstanceRefreshes",
                "instance refresh",
                refresh_id,
                account=self.ctx.resolve.account,
                advice=f"{self.group} no longer lists it: see the group's activity history",
            )
        return found

    def _target_health(self, group: Mapping[str, Any]) -> dict[str, str]:
        if not self._ask_target_health:
            return {}
        states: dict[str, str] = {}
        elbv2 = self.client("elbv2")
        for arn in group.get("TargetGroupARNs", []):
            try:
                found = call(elbv2, "describe_target_health", arn, TargetGroupArn=arn)
            except CloudError as exc:
                # Health is for display only: the group's own health status will do. Without
                # the permission, asking again every poll would only fill the audit log.
                if exc.blocked == DENIED:
                    self._ask_target_health = False
                return {}
            for target in found["TargetHealthDescriptions"]:
                states[target["Target"]["Id"]] = target["TargetHealth"]["State"]
        return states

    def _progress(
        self, refresh: dict[str, Any], state: str, why: str = "", label: str = "Instance refresh"
    ) -> Progress:
        group = self.ctx.resolve.auto_scaling_group(self.group)
        members = refresh_view.instances(group, self._target_health(group))
        detail = {"refresh": refresh_view.detail(refresh, members)}
        if self.notes:
            detail["refresh"]["notes"] = list(self.notes)
        percent = float(refresh.get("PercentageComplete") or 0)
        summary = refresh_view.summary(refresh, label)
        return Progress(state, summary, percent, detail, why)

    # -- the action -----------------------------------------------------------------------------

    def capture(self) -> dict[str, Any]:
        """The group's launch configuration, what its instances run, and its newest refresh."""
        group = self.ctx.resolve.auto_scaling_group(self.group)
        newest = self._describe()
        return {
            "group": self.group,
            **group_config.record(group),
            "instances_on": group_config.instances_on(group),
            "desired_capacity": group.get("DesiredCapacity"),
            "previous_refresh": newest["InstanceRefreshId"] if newest else None,
        }

    def request(self, group: Mapping[str, Any]) -> dict[str, Any]:
        """StartInstanceRefresh's parameters for this step and the group as it is now (and
        `notes` for the operator on what AWS would not allow as asked)."""
        a = self.args
        self.notes = []
        prefs: dict[str, Any] = {
            "MinHealthyPercentage": int(a["min_healthy_percentage"]),
            "InstanceWarmup": int(a["instance_warmup"]),
            "SkipMatching": bool(a["skip_matching"]),
        }
        if a.get("max_healthy_percentage") is not None:
            prefs["MaxHealthyPercentage"] = int(a["max_healthy_percentage"])
        if a.get("checkpoints"):
            prefs["CheckpointPercentages"] = [int(p) for p in a["checkpoints"]]
            if a.get("checkpoint_delay") is not None:
                prefs["CheckpointDelay"] = int(a["checkpoint_delay"])
        if a.get("alarms"):
            prefs["AlarmSpecification"] = {"Alarms": list(a["alarms"])}
        params: dict[str, Any] = {"AutoScalingGroupName": self.group, "Strategy": "Rolling"}
        if a.get("launch_template"):
            spec = {"LaunchTemplateName": str(a["launch_template"]), "Version": str(a["version"])}
            params["DesiredConfiguration"] = group_config.configuration_parameter(
                group_config.record(dict(group)), spec
            )
        current = group_config.template_spec(dict(group))
        # AWS can roll back only to a numbered version, and only with a desired configuration.
        can_roll_back = (
            "DesiredConfiguration" in params
            and current is not None
            and current.get("Version", "").isdigit()
        )
        prefs["AutoRollback"] = bool(a["auto_rollback"]) and can_roll_back
        if a["auto_rollback"] and not can_roll_back:
            self.notes.append(
                "AWS auto rollback is off: AWS allows it only with `launch_template` (a desired "
                "configuration) on a group that uses a numbered launch-template version; "
                "turnout's own undo still applies"
            )
        params["Preferences"] = prefs
        return params

    def start(self) -> Progress:
        """StartInstanceRefresh with the runbook's preferences."""
        autoscaling = self.client("autoscaling")
        group = self.ctx.resolve.auto_scaling_group(self.group)
        started = call(autoscaling, "start_instance_refresh", self.group, **self.request(group))
        self.refresh_id = started["InstanceRefreshId"]
        self.watch_for(self.args["timeout"])
        return self.poll()

    def poll(self) -> Progress:
        """Follow the refresh: done when Successful, failed with AWS's reason otherwise."""
        assert self.refresh_id is not None, "poll before start or find_started"
        refresh = self._refresh(self.refresh_id)
        status = refresh["Status"]
        if status == "Successful":
            return self._progress(refresh, "done")
        if status in refresh_view.FORWARD:
            if self.overdue:
                why = f"the refresh was still {status} after {self.timeout_text()} (timeout)"
                return self._progress(refresh, "failed", why)
            return self._progress(refresh, "running")
        return self._progress(refresh, "failed", refresh_view.reason(refresh))

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """A refresh newer than the one recorded at capture is this step's: follow it."""
        newest = self._describe()
        if newest is None or newest["InstanceRefreshId"] == captured.get("previous_refresh"):
            return False
        self.refresh_id = newest["InstanceRefreshId"]
        self.watch_for(self.args["timeout"])
        return True

    def _ours(self, captured: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.refresh_id:
            return self._refresh(self.refresh_id)
        newest = self._describe()
        if newest is None or newest["InstanceRefreshId"] == captured.get("previous_refresh"):
            return None
        return newest

    def cancel(self) -> None:
        """CancelInstanceRefresh while the refresh still replaces instances (not a rollback:
        that is AWS putting things back, which must finish)."""
        refresh = self._ours({}) if self.refresh_id else self._describe()
        if refresh is None or refresh["Status"] not in refresh_view.FORWARD:
            return
        self._cancel()

    def _cancel(self) -> None:
        try:
            call(
                self.client("autoscaling"),
                "cancel_instance_refresh",
                self.group,
                AutoScalingGroupName=self.group,
            )
        except CloudError as exc:
            if exc.code != "ActiveInstanceRefreshNotFound":  # it ended meanwhile: fine
                raise

    # -- undo -----------------------------------------------------------------------------------

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """RollbackInstanceRefresh while the refresh runs and AWS allows it; otherwise (it was
        cancelled, failed or finished, or cannot be rolled back) a refresh back to the launch
        template version the instances ran before the step."""
        self._undo_captured = captured
        self.watch_for(self.args["timeout"])
        refresh = self._ours(captured)
        status = refresh["Status"] if refresh else None
        if refresh is not None and status in refresh_view.FORWARD:
            self._undo_refresh = refresh["InstanceRefreshId"]
            try:
                call(
                    self.client("autoscaling"),
                    "rollback_instance_refresh",
                    self.group,
                    AutoScalingGroupName=self.group,
                )
                self._undo_mode = "rollback"
            except CloudError as exc:
                if exc.code not in _NO_ROLLBACK:
                    raise
                self.notes.append(f"AWS cannot roll this refresh back ({exc.code})")
                self._cancel()
                self._undo_mode = "after_cancel"
        elif refresh is not None and status in ("RollbackInProgress", "Cancelling"):
            self._undo_refresh = refresh["InstanceRefreshId"]
            self._undo_mode = "rollback" if status == "RollbackInProgress" else "after_cancel"
        else:
            return self._refresh_back()
        return self.poll_undo()

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """Before undoing again after a crash: a rollback of the step's refresh already asked
        for (RollbackInProgress, RollbackSuccessful), or a refresh back to the recorded template
        already started, is followed; undoing again would roll back the refresh back."""
        self._undo_captured = captured
        newest = self._describe()
        if newest is None or newest["InstanceRefreshId"] == captured.get("previous_refresh"):
            return None
        status, target = newest["Status"], _rollback_target(captured)
        if status.startswith("Rollback"):
            self._undo_mode = "rollback"
        elif (
            target is not None
            and _refreshes_to(newest, target)
            and newest.get("Status")
            in (
                *refresh_view.FORWARD,
                "Successful",
            )
        ):
            self._undo_mode = "back"
        else:
            return None
        self._undo_refresh = newest["InstanceRefreshId"]
        self.watch_for(self.args["timeout"])
        return self.poll_undo()

    def poll_undo(self) -> Progress:
        """Follow the rollback, the cancellation before a refresh back, or the refresh back."""
        if self._undo_mode is None:
            return self.undo_progress
        assert self._undo_refresh is not None
        refresh = self._refresh(self._undo_refresh)
        status = refresh["Status"]
        if self._undo_mode == "rollback":
            if status == "RollbackSuccessful":
                return self._finish(self._progress(refresh, "done"))
            if status == "RollbackFailed":
                return self._finish(self._progress(refresh, "failed", refresh_view.reason(refresh)))
            if status not in refresh_view.ACTIVE:  # cancelled by someone: go back ourselves
                return self._refresh_back()
        elif self._undo_mode == "after_cancel":
            if status not in refresh_view.ACTIVE:
                return self._refresh_back()
            progress = self._progress(refresh, "running")
            return self._overdue_or(
                Progress(
                    "running",
                    f"Waiting for the cancelled refresh to stop ({status}) before refreshing back",
                    progress.percent,
                    progress.detail,
                )
            )
        else:  # "back"
            back = "Refresh back"
            if status == "Successful":
                return self._finish(self._progress(refresh, "done", label=back))
            if status not in refresh_view.FORWARD:
                why = refresh_view.reason(refresh)
                return self._finish(self._progress(refresh, "failed", why, back))
            return self._overdue_or(self._progress(refresh, "running", label=back))
        return self._overdue_or(self._progress(refresh, "running"))

    def _overdue_or(self, progress: Progress) -> Progress:
        if not self.overdue:
            return progress
        why = f"the undo was still {progress.summary!r} after {self.timeout_text()} (timeout)"
        return self._finish(
            Progress("failed", progress.summary, progress.percent, progress.detail, why)
        )

    def _finish(self, progress: Progress) -> Progress:
        self._undo_mode = None
        self.undo_progress = progress
        return progress

    def _refresh_back(self) -> Progress:
        """Start a refresh whose desired configuration is what the instances ran before."""
        captured = self._undo_captured
        autoscaling = self.client("autoscaling")
        group = self.ctx.resolve.auto_scaling_group(self.group)
        target = _rollback_target(captured)
        if target is None:
            return self._finish(
                Progress("failed", "Nothing recorded to refresh back to", reason="no launch "
                         "template was recorded before the step")
            )  # fmt: skip
        members = group.get("Instances", [])
        on_target = all(
            group_config.same_template(group_config.template_spec(m), target) for m in members
        )
        if on_target and group_config.same_template(group_config.template_spec(group), target):
            return self._finish(
                Progress(
                    "done",
                    f"Every instance of {self.group} already runs {_spec_text(target)}",
                    100.0,
                )
            )
        prefs: dict[str, Any] = {
            "MinHealthyPercentage": int(self.args["min_healthy_percentage"]),
            "InstanceWarmup": int(self.args["instance_warmup"]),
            "SkipMatching": True,
        }
        if self.args.get("max_healthy_percentage") is not None:
            prefs["MaxHealthyPercentage"] = int(self.args["max_healthy_percentage"])
        started = call(
            autoscaling,
            "start_instance_refresh",
            self.group,
            AutoScalingGroupName=self.group,
            Strategy="Rolling",
            DesiredConfiguration=group_config.configuration_parameter(dict(captured), target),
            Preferences=prefs,
        )
        self._undo_refresh = started["InstanceRefreshId"]
        self._undo_mode = "back"
        self.notes.append(f"refreshing back to {_spec_text(target)}")
        return self.poll_undo()


def _rollback_target(captured: Mapping[str, Any]) -> group_config.Spec | None:
    """The numbered template version to go back to: the group's, or else its instances'."""
    spec = captured.get("launch_template")
    if spec and str(spec.get("Version", "")).isdigit():
        return dict(spec)
    return dict(captured["instances_on"]) if captured.get("instances_on") else spec


def _refreshes_to(refresh: Mapping[str, Any], target: Mapping[str, Any]) -> bool:
    """Whether `refresh` is a refresh back: its desired launch template is `target`."""
    desired = (refresh.get("DesiredConfiguration") or {}).get("LaunchTemplate")
    return bool(desired) and group_config.same_template(dict(desired), dict(target))


def _spec_text(spec: Mapping[str, Any]) -> str:
    name = spec.get("LaunchTemplateName") or spec.get("LaunchTemplateId")
    return f"{name} version {spec.get('Version')}"
