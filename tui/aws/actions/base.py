"""`Driver`, the one base of every action driver in tui/aws/actions: its context, step and
arguments, the engine's clock and deadlines, and the defaults of an action done in one call.

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

    The defaults suit an action done in one call: `poll` repeats the progress `start` (or
    `found_done`) set, `poll_undo` the one `undo` set, `cancel` does nothing, `find_started`
    says no, `find_undone` cannot tell, `undo` reports that nothing was changed back.
    """

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        self.ctx = ctx
        self.step = step
        self.args: dict[str, Any] = dict(step.arguments)
        self._not_started = Progress("running", f"{step.action} not started")
        self.progress = self._not_started
        self.undo_progress = Progress("done", "Nothing to undo.", 100.0)
        self._deadline: datetime | None = None

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

    def capture(self) -> dict[str, Any]:
        """Nothing: a read-only action changes nothing to put back."""
        return {}

    def poll(self) -> Progress:
        """The action's progress: for a one-call action, what `start` or `found_done` set.

        A driver made after a crash whose `find_started` said yes without `found_done` would
        repeat "not started" for ever (a resumed session then never got past the step): that
        is a bug in the driver, and it stops here rather than hangs.
        """
        if self.progress is self._not_started:
            raise RuntimeError(
                f"{type(self).__name__}.poll before start or found_done: a one-call driver's "
                "find_started must report what it found with found_done"
            )
        return self.progress

    def found_done(self, summary: str, detail: Mapping[str, Any] | None = None) -> bool:
        """For a one-call driver's `find_started`: the change is in AWS, so the step is done
        (`poll` repeats this). Returns True, what `find_started` then returns."""
        self.progress = Progress("done", summary, 100.0, dict(detail or {}))
        return True

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """Nothing to find: the action has no lasting change to look for (doing it again is
        safe)."""
        return False

    def cancel(self) -> None:
        """Nothing is under way between polls of a one-call action."""
        return None

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """Nothing to put back."""
        return self.undo_progress

    def poll_undo(self) -> Progress:
        """Where the undo stands: for a one-call undo, what `undo` returned."""
        return self.undo_progress

    def state(self) -> str | None:
        """What AWS shows now of what this step changes, in one line, for the summary every
        session ends with ("web-alb:80 forwards web-blue 100, web-green 0"). Read-only; None
        when the action leaves nothing worth a line."""
        return None

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """Cannot tell from AWS: the undo is sent (again). Drivers whose undo can be seen
        (the weights, a delay, the service's task definition) override this."""
        return None
