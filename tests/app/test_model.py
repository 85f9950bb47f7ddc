"""The app's model of a session: which step the live panels follow."""

from __future__ import annotations

from tests.app import states
from tui.app.model import GUARDRAILS, SessionModel
from tui.engine.events import GuardrailsPolled, RollbackChanged, SessionEnded


def _polled(step: str, value: float) -> GuardrailsPolled:
    points = [(states.NOW, value)]
    reading = states._reading(step, "green 5xx rate", points, 1.0, 2, "rollback")
    return GuardrailsPolled(step, states.NOW, (reading,))


def test_after_a_rollback_the_charts_go_back_to_the_step_that_breached() -> None:
    model = SessionModel(states.runbook("alb-canary"))
    model.apply(_polled("canary", 9.0))
    model.apply(RollbackChanged("started", "guardrail green 5xx rate", "canary"))
    model.apply(_polled("rollback", 0.0))  # the rollback's verification polls last
    assert model.watched == "rollback"  # while it verifies, its own readings show

    changed = model.apply(SessionEnded(3, "rolled back", "sessions/x"))

    assert GUARDRAILS in changed
    assert model.watched == "canary"
    assert model.step("canary").guardrails["green 5xx rate"].value == 9.0


def test_a_session_that_ends_without_a_rollback_keeps_its_last_charts() -> None:
    model = SessionModel(states.runbook("alb-canary"))
    model.apply(_polled("canary", 0.2))
    model.apply(_polled("full-traffic-bake", 0.1))
    model.apply(SessionEnded(0, "completed", "sessions/x"))
    assert model.watched == "full-traffic-bake"
