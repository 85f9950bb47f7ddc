"""Drivers for the Application Load Balancer actions: listener weights (set at once, or shifted
in canary steps), a target group's deregistration delay, and waiting for targets to drain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tui.aws import listeners
from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.runbook.model import Step

DELAY_KEY = "deregistration_delay.timeout_seconds"


def deregistration_delay(ctx: AwsContext, target_group: str) -> int:
    """The target group's deregistration delay, in seconds."""
    attributes = call(
        ctx.clients.client("elbv2"),
        "describe_target_group_attributes",
        target_group,
        TargetGroupArn=ctx.resolve.target_group_arn(target_group),
    )["Attributes"]
    return int(next(a["Value"] for a in attributes if a["Key"] == DELAY_KEY))


def _weights_detail(
    resource: str,
    weights: Mapping[str, int],
    step: int | None = None,
    steps: list[int] | None = None,
    bake: float | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The `weights` detail the app's traffic panel draws; the canary's step and bake only
    while a canary runs (a one-shot change or an undo has neither: "step 1 of 1, bake 0:00
    left" on a rolled-back split told the operator something that was not happening).
    `bake_until` (when the bake ends, on the engine's clock) lets a front end count the bake
    down between polls: while a question waits the driver is not polled, and a remaining time
    alone stood still on screen for as long as the person took."""
    split: dict[str, Any] = {"resource": resource, "weights": dict(weights)}
    if step is not None:
        left = max(0.0, bake or 0.0)
        split.update(step=step, steps=steps, bake_remaining=left)
        if now is not None and left > 0:
            split["bake_until"] = (now + timedelta(seconds=left)).isoformat()
    return {"weights": split}


def _restore(ctx: AwsContext, resource: str, captured: Mapping[str, Any]) -> Progress:
    """Forward exactly as `captured` (a `listeners.forward_state`) says."""
    listeners.apply(ctx, captured)
    back = listeners.weights_of(captured)
    return Progress(
        "done",
        f"{resource} forwards {listeners.describe(back)} again",
        100.0,
        _weights_detail(resource, back),
    )


def _listener_state(ctx: AwsContext, load_balancer: str, port: int) -> str:
    now = listeners.weights_of(listeners.forward_state(ctx, load_balancer, port))
    return f"{load_balancer}:{port} forwards {listeners.describe(now)}"


def _already_restored(
    ctx: AwsContext, load_balancer: str, port: int, captured: Mapping[str, Any]
) -> Progress | None:
    """Done when the listener already forwards with the captured weights (the undo reached
    AWS before a crash): re-sending ModifyListener would be a second mutation for one intent."""
    back = listeners.weights_of(captured)
    current = listeners.weights_of(listeners.forward_state(ctx, load_balancer, port))
    if any(current.get(name, 0) != weight for name, weight in back.items()):
        return None
    resource = f"{load_balancer}:{port}"
    detail = _weights_detail(resource, back)
    return Progress(
        "done", f"{resource} already forwards {listeners.describe(back)}", 100.0, detail
    )


class SetWeights(Driver):
    """`elbv2.set_weights`: one ModifyListener; undo forwards exactly as before."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.load_balancer, self.port = self.args["load_balancer"], int(self.args["port"])
        self.weights = {name: int(w) for name, w in self.args["weights"].items()}
        self.resource = f"{self.load_balancer}:{self.port}"
        self._captured: dict[str, Any] | None = None

    def capture(self) -> dict[str, Any]:
        """The listener's forward action: every target group (name, ARN) and its weight."""
        self._captured = listeners.forward_state(self.ctx, self.load_balancer, self.port)
        return self._captured

    def start(self) -> Progress:
        state = self._captured or self.capture()
        wanted = listeners.with_weights(self.ctx, state, self.weights)
        listeners.apply(self.ctx, wanted)
        now = listeners.weights_of(wanted)
        self.progress = Progress(
            "done",
            f"{self.resource} forwards {listeners.describe(now)}",
            100.0,
            _weights_detail(self.resource, now),
        )
        return self.progress

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        current = listeners.weights_of(
            listeners.forward_state(self.ctx, self.load_balancer, self.port)
        )
        if not all(current.get(name) == weight for name, weight in self.weights.items()):
            return False
        # One call makes the change, so found is done (see Driver.found_done).
        return self.found_done(
            f"{self.resource} forwards {listeners.describe(current)}",
            _weights_detail(self.resource, current),
        )

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        self.undo_progress = _restore(self.ctx, self.resource, captured)
        return self.undo_progress

    def state(self) -> str:
        return _listener_state(self.ctx, self.load_balancer, self.port)

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        found = _already_restored(self.ctx, self.load_balancer, self.port, captured)
        self.undo_progress = found or self.undo_progress
        return found


class ShiftWeights(Driver):
    """`elbv2.shift_weights`: the canary. Each step puts `steps[i]` % on `to` and the rest on
    `from`; the next step is made by `poll` once `bake` has passed on the engine's clock since the
    last change. After the last step, when `drain`, it waits `from`'s deregistration delay so
    requests in flight on `from` finish. Undo forwards exactly as before the first step."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.load_balancer, self.port = self.args["load_balancer"], int(self.args["port"])
        self.resource = f"{self.load_balancer}:{self.port}"
        self.source, self.target = self.args["from"], self.args["to"]
        self.steps = [int(p) for p in self.args["steps"]]
        self.bake = float(self.args["bake"])
        self.drain = bool(self.args["drain"])
        self._captured: dict[str, Any] | None = None
        self._index = -1  # the step the listener is at; -1: none made (by this driver)
        self._changed_at: datetime | None = None
        self._drain_until: datetime | None = None
        self._cancelled = False

    def capture(self) -> dict[str, Any]:
        """The listener's forward action before the first step (every group and weight)."""
        self._captured = listeners.forward_state(self.ctx, self.load_balancer, self.port)
        return self._captured

    def _step_weights(self, index: int) -> dict[str, int]:
        return {self.source: 100 - self.steps[index], self.target: self.steps[index]}

    def _shift(self, index: int) -> None:
        state = listeners.forward_state(self.ctx, self.load_balancer, self.port)
        wanted = listeners.with_weights(self.ctx, state, self._step_weights(index))
        listeners.apply(self.ctx, wanted)
        self._index, self._changed_at = index, self.ctx.clock.now()
        if index == len(self.steps) - 1 and self.drain:
            delay = deregistration_delay(self.ctx, self.source)
            self._drain_until = self._changed_at + timedelta(seconds=delay)

    def _resume(self) -> None:
        """A new driver polled after a crash: find the step the listener is at. The bake since
        that change starts again (the time it was made is not known: waiting longer is safe)."""
        current = listeners.weights_of(
            listeners.forward_state(self.ctx, self.load_balancer, self.port)
        )
        to, rest = current.get(self.target, 0), current.get(self.source, 0)
        percent = 100 * to / (to + rest) if to + rest else 0
        reached = [i for i, p in enumerate(self.steps) if p <= percent]
        if not reached:
            self._shift(0)
            return
        self._index, self._changed_at = reached[-1], self.ctx.clock.now()
        if self._index == len(self.steps) - 1 and self.drain:
            delay = deregistration_delay(self.ctx, self.source)
            self._drain_until = self._changed_at + timedelta(seconds=delay)

    def start(self) -> Progress:
        if self._captured is None:
            self.capture()
        self._shift(0)
        return self._report()

    def poll(self) -> Progress:
        if self._cancelled:
            return Progress("failed", f"canary on {self.resource} cancelled", reason="cancelled")
        if self._index < 0:
            self._resume()
        assert self._changed_at is not None
        waited = (self.ctx.clock.now() - self._changed_at).total_seconds()
        if self._index < len(self.steps) - 1 and waited >= self.bake:
            self._shift(self._index + 1)
        return self._report()

    def _report(self) -> Progress:
        assert self._changed_at is not None
        now = self.ctx.clock.now()
        weights = self._step_weights(self._index)
        step, steps = self._index + 1, len(self.steps)
        shown = listeners.describe(weights)
        if self._index < steps - 1:
            left = self.bake - (now - self._changed_at).total_seconds()
            summary = f"{self.resource} step {step}/{steps}: {shown}; next step in {left:.0f} s"
            detail = _weights_detail(self.resource, weights, step, self.steps, left, now)
            return Progress("running", summary, 100.0 * step / steps, detail)
        detail = _weights_detail(self.resource, weights, step, self.steps, 0.0)
        if self._drain_until is not None and now < self._drain_until:
            left = (self._drain_until - now).total_seconds()
            summary = (
                f"{self.resource} forwards {shown}; letting {self.source} drain: {left:.0f} s "
                "of its deregistration delay left"
            )
            return Progress("running", summary, 99.0, detail)
        self.progress = Progress("done", f"{self.resource} forwards {shown}", 100.0, detail)
        return self.progress

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """True when the `from`/`to` weights are no longer those captured: a step was made."""
        before = listeners.weights_of(captured)
        current = listeners.weights_of(
            listeners.forward_state(self.ctx, self.load_balancer, self.port)
        )
        return any(
            current.get(name, 0) != before.get(name, 0) for name in (self.source, self.target)
        )

    def cancel(self) -> None:
        """Stop stepping (the engine then undoes the weights)."""
        self._cancelled = True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        self.undo_progress = _restore(self.ctx, self.resource, captured)
        return self.undo_progress

    def state(self) -> str:
        return _listener_state(self.ctx, self.load_balancer, self.port)

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        found = _already_restored(self.ctx, self.load_balancer, self.port, captured)
        self.undo_progress = found or self.undo_progress
        return found


class SetDeregistrationDelay(Driver):
    """`elbv2.set_deregistration_delay`: one ModifyTargetGroupAttributes; undo sets the old
    delay back."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.target_group, self.delay = self.args["target_group"], int(self.args["delay"])

    def _set(self, arn: str, delay: int) -> None:
        call(
            self.ctx.clients.client("elbv2"),
            "modify_target_group_attributes",
            self.target_group,
            TargetGroupArn=arn,
            Attributes=[{"Key": DELAY_KEY, "Value": str(delay)}],
        )

    def state(self) -> str:
        delay = deregistration_delay(self.ctx, self.target_group)
        return f"{self.target_group} deregistration delay {delay} s"

    def capture(self) -> dict[str, Any]:
        """The target group (name, ARN) and its deregistration delay before the change."""
        return {
            "target_group": self.target_group,
            "arn": self.ctx.resolve.target_group_arn(self.target_group),
            "delay": deregistration_delay(self.ctx, self.target_group),
        }

    def start(self) -> Progress:
        self._set(self.ctx.resolve.target_group_arn(self.target_group), self.delay)
        self.progress = Progress(
            "done", f"{self.target_group} deregistration delay is {self.delay} s", 100.0
        )
        return self.progress

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        if deregistration_delay(self.ctx, self.target_group) != self.delay:
            return False
        return self.found_done(f"{self.target_group} deregistration delay is {self.delay} s")

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        if deregistration_delay(self.ctx, self.target_group) != int(captured["delay"]):
            return None
        self.undo_progress = Progress(
            "done", f"{self.target_group} deregistration delay is already {captured['delay']} s"
        )
        return self.undo_progress

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        self._set(captured["arn"], int(captured["delay"]))
        self.undo_progress = Progress(
            "done",
            f"{self.target_group} deregistration delay is {captured['delay']} s again",
            100.0,
        )
        return self.undo_progress


class WaitDrained(Driver):
    """`elbv2.wait_drained`: read-only; done when no target of the group is `draining`, failed
    when some still are after `timeout` on the engine's clock."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.target_group, self.timeout = self.args["target_group"], float(self.args["timeout"])

    def start(self) -> Progress:
        self.watch_for(self.timeout)
        return self.poll()

    def poll(self) -> Progress:
        if self._deadline is None:  # polled after a resume: the timeout starts now
            self.watch_for(self.timeout)
        found = call(
            self.ctx.clients.client("elbv2"),
            "describe_target_health",
            self.target_group,
            TargetGroupArn=self.ctx.resolve.target_group_arn(self.target_group),
        )["TargetHealthDescriptions"]
        draining = sorted(
            t["Target"]["Id"] for t in found if t["TargetHealth"]["State"] == "draining"
        )
        if not draining:
            return Progress("done", f"no target of {self.target_group} is draining", 100.0)
        which = f"{len(draining)} targets of {self.target_group} draining ({', '.join(draining)})"
        if self.overdue:
            return Progress(
                "failed",
                f"{which} after {self.timeout:.0f} s",
                reason=f"{which} after the {self.timeout:.0f} s timeout",
            )
        return Progress("running", which)


DRIVERS = {
    "elbv2.set_weights": SetWeights,
    "elbv2.shift_weights": ShiftWeights,
    "elbv2.set_deregistration_delay": SetDeregistrationDelay,
    "elbv2.wait_drained": WaitDrained,
}
