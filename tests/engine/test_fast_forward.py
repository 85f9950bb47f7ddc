"""A rehearsal's `f`: the bake or wait under way runs at the world's fastest speed until it
ends, recorded in the audit log with who asked and how much was left; guardrails are still
polled through it; a real session, or one with nothing to wait for, only says so."""

from __future__ import annotations

from tui.clock import ScaledClock
from tui.engine import events
from tui.engine.options import SessionOptions
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.simulator import FAST_FORWARD_SPEED, Simulator

REHEARSAL = SessionOptions(poll=10, runbook_sha256="0" * 64, mode="rehearsal")


def _spy(session, on_event) -> list:
    """Every event the session tells its operator, `on_event(session, event)` called first."""
    seen: list = []
    notify = session.core.operator.notify

    def spy(event):
        on_event(session, event)
        seen.append(event)
        notify(event)

    session.core.operator.notify = spy  # type: ignore[method-assign]
    return seen


def _press_f_while_baking(session, event) -> None:
    if isinstance(event, events.StepChanged) and event.state.value == "baking":
        session.request_fast_forward("trainee")


def test_f_during_a_bake_is_recorded_and_told_to_the_world_until_the_bake_ends(drive) -> None:
    seen: list = []
    d = drive(options=REHEARSAL, before=lambda s: seen.append(_spy(s, _press_f_while_baking)))
    assert d.code == 0
    (record,) = [r for r in d.records if r.type == "rehearsal.fast_forward"]
    assert record.actor == "trainee"
    assert record.payload["step"] == "shift" and record.payload["phase"] == "bake"
    assert 0 < record.payload["seconds_left"] <= 300  # bake: 5m
    ff = [e for e in seen[0] if isinstance(e, events.FastForward)]
    assert [e.on for e in ff] == [True, False]  # on while the bake runs, off when it ends
    after_on = seen[0][seen[0].index(ff[0]) :]
    polled = [e for e in after_on if isinstance(e, events.GuardrailsPolled)]
    assert polled, "the guardrails are still read while fast-forwarding"
    done = next(
        e for e in after_on if isinstance(e, events.StepChanged) and e.state.value == "done"
    )
    assert after_on.index(ff[1]) < after_on.index(done)  # the world slows before the next step


def test_f_in_a_real_session_changes_nothing_and_says_why(drive) -> None:
    seen: list = []
    d = drive(before=lambda s: seen.append(_spy(s, _press_f_while_baking)))
    assert d.code == 0
    assert not [r for r in d.records if r.type == "rehearsal.fast_forward"]
    assert not [e for e in seen[0] if isinstance(e, events.FastForward)]
    assert any(isinstance(e, events.Notice) and "rehearsals" in e.text for e in seen[0])


def test_f_with_no_bake_or_wait_under_way_says_there_is_nothing_to_fast_forward(drive) -> None:
    seen: list = []

    def press_f_first(session) -> None:
        seen.append(_spy(session, lambda *_: None))
        session.request_fast_forward("trainee")  # taken at the first safe point, before a step

    d = drive(options=REHEARSAL, before=press_f_first)
    assert d.code == 0
    assert not [r for r in d.records if r.type == "rehearsal.fast_forward"]
    assert any(
        isinstance(e, events.Notice) and "nothing to fast-forward" in e.text for e in seen[0]
    )


def test_the_world_runs_at_its_fastest_then_at_the_drills_speed_and_real_time_still_wins() -> None:
    clock = ScaledClock(10.0)
    simulator = Simulator(None, None, WorldTime(clock))  # type: ignore[arg-type]
    simulator.fast_forward(True)
    assert clock.speed == FAST_FORWARD_SPEED
    with simulator.at_real_time():  # a guardrail's question mid-bake: read at real time
        assert clock.speed == 1.0
    assert clock.speed == FAST_FORWARD_SPEED
    simulator.fast_forward(False)
    assert clock.speed == 10.0
    with simulator.at_real_time():
        simulator.fast_forward(True)  # pressed while a question waits: applies after it
        assert clock.speed == 1.0
    assert clock.speed == FAST_FORWARD_SPEED
    simulator.fast_forward(False)
    assert clock.speed == 10.0
