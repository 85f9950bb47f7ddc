"""The `ecs.update_service` driver: a rolling update followed to its end, or to the circuit
breaker; undo rolls the service back onto the task definition it ran before."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.aws.resolve import short_arn
from tui.runbook.model import Step


def deployments_detail(service: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each deployment of the service, for `detail["ecs"]["deployments"]`."""
    return [
        {
            "id": d.get("id"),
            "status": d.get("status"),
            "task_definition": short_arn(d.get("taskDefinition", "")),
            "desired": d.get("desiredCount", 0),
            "running": d.get("runningCount", 0),
            "pending": d.get("pendingCount", 0),
            "failed": d.get("failedTasks", 0),
            "rollout_state": d.get("rolloutState"),
            "reason": d.get("rolloutStateReason", ""),
        }
        for d in service.get("deployments", [])
    ]


def _line(d: Mapping[str, Any]) -> str:
    state = f" {d['rollout_state']}" if d.get("rollout_state") else ""
    failed = f", {d['failed']} failed" if d.get("failed") else ""
    return (
        f"{d['task_definition']} {d['status']}{state}: {d['running']}/{d['desired']} running, "
        f"{d['pending']} pending{failed}"
    )


class UpdateServiceDriver(Driver):
    """UpdateService onto the step's task definition and deployment configuration, then follow
    the deployment it made (by id: after a circuit-breaker rollback ECS makes another PRIMARY)."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.cluster = str(self.args["cluster"])
        self.service = str(self.args["service"])
        self.deployment_id: str | None = None
        self.target: str | None = None
        self._undo_deployment: str | None = None
        self._undo_target = ""

    @property
    def resource(self) -> str:
        """`cluster/service`, as messages name it."""
        return f"{self.cluster}/{self.service}"

    def _service(self) -> dict[str, Any]:
        return self.ctx.resolve.ecs_service(self.cluster, self.service)

    def state(self) -> str:
        primary = next(
            (d for d in deployments_detail(self._service()) if d["status"] == "PRIMARY"), None
        )
        return f"{self.resource}: " + (_line(primary) if primary else "no primary deployment")

    def _task_definition(self) -> str:
        """The ARN of the step's task definition (family:revision, or family for the latest)."""
        return self.ctx.resolve.task_definition_arn(str(self.args["task_definition"]))

    def capture(self) -> dict[str, Any]:
        """The service's task definition, desired count, deployment configuration, and the
        deployments it has (so a resumed session can tell the step's from older ones)."""
        service = self._service()
        return {
            "cluster": self.cluster,
            "service": self.service,
            "task_definition": service["taskDefinition"],
            "desired_count": service["desiredCount"],
            "deployment_configuration": copy.deepcopy(service.get("deploymentConfiguration", {})),
            "deployments": [d["id"] for d in service.get("deployments", [])],
        }

    def _configuration(self, current: Mapping[str, Any]) -> dict[str, Any]:
        config = copy.deepcopy(dict(current))
        config["minimumHealthyPercent"] = int(self.args["minimum_healthy_percent"])
        config["maximumPercent"] = int(self.args["maximum_percent"])
        config["deploymentCircuitBreaker"] = {
            "enable": bool(self.args["circuit_breaker"]),
            "rollback": bool(self.args["circuit_breaker"]) and bool(self.args["rollback"]),
        }
        return config

    def start(self) -> Progress:
        """UpdateService; the new PRIMARY deployment is the one followed."""
        self.target = self._task_definition()
        current = self._service()
        params: dict[str, Any] = {
            "cluster": self.cluster,
            "service": self.service,
            "taskDefinition": self.target,
            "deploymentConfiguration": self._configuration(
                current.get("deploymentConfiguration", {})
            ),
        }
        if self.args.get("desired_count") is not None:
            params["desiredCount"] = int(self.args["desired_count"])
        updated = call(self.client("ecs"), "update_service", self.resource, **params)["service"]
        self.deployment_id = _primary_on(updated, self.target)
        self.watch_for(self.args["timeout"])
        return self.poll()

    def poll(self) -> Progress:
        """Follow the step's deployment's rolloutState: COMPLETED, or FAILED with its reason."""
        assert self.target is not None, "poll before start or find_started"
        return self._follow(self.deployment_id, self.target, "rollout")

    def _follow(self, deployment_id: str | None, target: str, what: str) -> Progress:
        service = self._service()
        view = deployments_detail(service)
        detail = {"ecs": {"service": self.resource, "deployments": view}}
        summary = f"{self.resource}: " + "; ".join(_line(d) for d in view)
        ours = next((d for d in view if d["id"] == deployment_id), None)
        primary = next((d for d in view if d["status"] == "PRIMARY"), None)
        wanted = short_arn(target)
        if ours is None:
            # ECS dropped it: done if the service settled on the target, else it was replaced
            # (a circuit-breaker rollback that has finished: its event says why).
            if primary and primary["task_definition"] == wanted and len(view) == 1:
                return Progress("done", summary, 100.0, detail)
            why = _failure_event(service) or (
                f"the {what} to {wanted} was replaced by another deployment"
            )
            return Progress("failed", summary, None, detail, why)
        percent = 100.0 * ours["running"] / ours["desired"] if ours["desired"] else 100.0
        state = ours["rollout_state"]
        if state == "FAILED":
            why = ours["reason"] or f"the {what} to {wanted} failed"
            if primary and primary["id"] != ours["id"]:
                why += f" ECS is rolling the service back to {primary['task_definition']}."
            return Progress("failed", summary, percent, detail, why)
        settled = state == "COMPLETED" or (
            state is None and len(view) == 1 and ours["running"] == ours["desired"]
        )
        if settled and ours["status"] == "PRIMARY":
            return Progress("done", summary, 100.0, detail)
        if self.overdue:
            why = f"the {what} to {wanted} did not complete within {self.timeout_text()} (timeout)"
            return Progress("failed", summary, percent, detail, why)
        return Progress("running", summary, percent, detail)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """Any deployment that was not there at capture: the step's, or the circuit breaker's
        rollback of it (ECS drops a failed deployment once the rollback completes)."""
        target = self._task_definition()
        before = set(captured.get("deployments") or [])
        new = [d for d in self._service().get("deployments", []) if d["id"] not in before]
        if not new:
            return False
        ours = [d for d in new if d.get("taskDefinition") == target]
        self.target = target
        self.deployment_id = ours[0]["id"] if ours else None
        self.watch_for(self.args["timeout"])
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """UpdateService back to the recorded task definition and deployment configuration
        (and desired count, if the step changed it), then follow that rollout."""
        target = str(captured["task_definition"])
        params: dict[str, Any] = {
            "cluster": self.cluster,
            "service": self.service,
            "taskDefinition": target,
            "deploymentConfiguration": copy.deepcopy(captured["deployment_configuration"]),
        }
        # A desired count the step never set is not put back: that would undo any scaling since.
        if self.args.get("desired_count") is not None:
            params["desiredCount"] = int(captured["desired_count"])
        updated = call(self.client("ecs"), "update_service", self.resource, **params)["service"]
        self._undo_target = target
        self._undo_deployment = _primary_on(updated, target)
        self.watch_for(self.args["timeout"])
        return self.poll_undo()

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """The service's PRIMARY deployment already runs the recorded task definition (the
        UpdateService back reached ECS before a crash, or its circuit breaker rolled back):
        follow that rollout instead of sending UpdateService again."""
        target = str(captured["task_definition"])
        primary = _primary_on(self._service(), target)
        on_target = any(
            d.get("id") == primary and d.get("taskDefinition") == target
            for d in self._service().get("deployments", [])
        )
        if not on_target:
            return None
        self._undo_target, self._undo_deployment = target, primary
        self.watch_for(self.args["timeout"])
        return self.poll_undo()

    def poll_undo(self) -> Progress:
        """Follow the rollout back until COMPLETED."""
        if self._undo_deployment is None:
            return self.undo_progress
        progress = self._follow(self._undo_deployment, self._undo_target, "rollback")
        if progress.state != "running":
            self.undo_progress, self._undo_deployment = progress, None
        return progress


def _failure_event(service: Mapping[str, Any]) -> str | None:
    """The newest service event saying a deployment failed, if any."""
    for event in service.get("events", []):  # newest first
        if "deployment failed" in event.get("message", ""):
            return str(event["message"])
    return None


def _primary_on(service: Mapping[str, Any], task_definition: str) -> str | None:
    """The PRIMARY deployment (of `task_definition`, if ECS made one for it)."""
    deployments = service.get("deployments", [])
    for d in deployments:
        if d.get("status") == "PRIMARY" and d.get("taskDefinition") == task_definition:
            return str(d["id"])
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    return str(primary["id"]) if primary else None


DRIVERS = {"ecs.update_service": UpdateServiceDriver}
