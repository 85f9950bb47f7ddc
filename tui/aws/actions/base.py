"""What every action driver shares: its context, its arguments, the engine's clock and deadlines.

A driver is a small state machine over AWS (see `tui.aws.protocol.ActionDriver`). It keeps what
it learns between calls (the refresh id, the deployment id) on itself, but never needs it: after
a crash the engine builds a new driver, and `find_started` / `undo` work from what AWS shows and
what `capture` recorded. No method sleeps: waiting is the engine polling on its clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.runbook.durations import format_seconds
from tui.runbook.model import Step


class Driver:
    """The plumbing of a driver; subclasses implement the action.

    The defaults suit an action without anything to follow, cancel or undo: `find_started` says
    no, `cancel` does nothing, `undo` reports that nothing was changed back.
    """

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        self.ctx = ctx
        self.step = step
        self.args: dict[str, Any] = dict(step.arguments)
        self._deadline: datetime | None = None
        self._undo_progress = Progress("done", "Nothing to undo.")

    def client(self, service: str) -> Any:
        """The session's boto3 client for `service` (every call it makes is recorded)."""
        return self.ctx.clients.client(service)

    def now(self) -> datetime:
        """The engine's time: the world's in a rehearsal."""
        return self.ctx.clock.now()

    def watch_for(self, seconds: float) -> None:
        """Start the step's timeout: `overdue` turns true `seconds` from now (engine's clock).

        After a crash the new driver starts a fresh timeout from the moment it resumes watching:
        the time the session was down says nothing about how long AWS needs.
        """
        self._deadline = self.now() + timedelta(seconds=float(seconds))

    @property
    def overdue(self) -> bool:
        """True once the timeout set by `watch_for` has passed."""
        return self._deadline is not None and self.now() >= self._deadline

    def timeout_text(self) -> str:
        """The step's `timeout` argument as written (`90m`), for messages."""
        return format_seconds(int(self.args.get("timeout") or 0))

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """Nothing to find: the action has no lasting change to look for."""
        return False

    def cancel(self) -> None:
        """Nothing under way to stop."""
        return None

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """Nothing to put back."""
        return self._undo_progress

    def poll_undo(self) -> Progress:
        """Where the undo stands (done at once unless the subclass follows it)."""
        return self._undo_progress

    def state(self) -> str | None:
        """What AWS shows now of what this step changes, in one line, for the summary every
        session ends with ("web-alb:80 forwards web-blue 100, web-green 0"). Read-only; None
        when the action leaves nothing worth a line."""
        return None

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """Cannot tell from AWS: the undo is sent (again). Drivers whose undo can be seen
        (the weights, the service's task definition) override this."""
        return None
