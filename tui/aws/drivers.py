"""What most action drivers share: their context and step, and the parts of `ActionDriver`
that are trivial for an action done in one call (nothing to follow, nothing to cancel)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.runbook.model import Step


class Driver:
    """A base for drivers: keeps `ctx`, `step` and `args`; `poll` and `poll_undo` repeat the
    last progress, `cancel` does nothing. Subclasses override what their action needs."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        self.ctx, self.step = ctx, step
        self.args: dict[str, Any] = dict(step.arguments)
        self.progress = Progress("running", f"{step.action} not started")
        self.undo_progress = Progress("running", "undo not started")

    def poll(self) -> Progress:
        """The action's progress: for a one-call action, what `start` returned."""
        return self.progress

    def cancel(self) -> None:
        """Nothing is under way between polls of a one-call action."""

    def poll_undo(self) -> Progress:
        """The undo's progress: for a one-call undo, what `undo` returned."""
        return self.undo_progress

    def state(self) -> str | None:
        """What AWS shows now of what this step changes, in one line, for the summary every
        session ends with ("web-alb:80 forwards web-blue 100, web-green 0"). Read-only; None
        when the action leaves nothing worth a line."""
        return None

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """Cannot tell from AWS: the undo is sent (again). Drivers whose undo shows in AWS
        (weights, a delay) override this."""
        return None
