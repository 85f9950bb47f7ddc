"""A rehearsal's session telling its world when each runbook step starts and ends, so a
scenario's fault timed from a step (`start: {step: switchover, at: start}`) begins then; and
when a trainee fast-forwards a bake or a wait (`f`), so the world runs it at its fastest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.engine.events import FastForward, StepChanged
from tui.engine.ports import Operator, PassingOn, StepState

# The states a step shows as it begins (its preconditions first, a question about it, or its
# action at once) and once it is done. Only the first of each counts (tui/rehearsal/scenario.py).
MOMENTS = {
    StepState.CHECKING: "start",
    StepState.WAITING: "start",
    StepState.RUNNING: "start",
    StepState.DONE: "end",
}


class StepsToWorld(PassingOn):
    """`inner`, whose step events the world hears before the front end does, on the
    session's thread: the fault is in the world before the engine reads the step's
    preconditions (`World.step_reached` waits for the simulator to publish it)."""

    def __init__(
        self,
        inner: Operator,
        reached: Callable[[str, str], None],
        fast_forward: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(inner)
        self.reached = reached
        self.fast_forward = fast_forward

    def notify(self, event: Any) -> None:
        if isinstance(event, StepChanged) and event.state in MOMENTS:
            self.reached(event.step, MOMENTS[event.state])
        elif isinstance(event, FastForward) and self.fast_forward is not None:
            self.fast_forward(event.on)  # the world at its fastest, or back at its own speed
        self.inner.notify(event)
