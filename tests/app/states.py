"""The app's main states, built from engine events on a fixed clock and seed, for snapshots.

Each state is a `SnapshotState`: a runbook, the events that bring the screen there, audit records
for the tail, and optionally a question on screen. No engine thread runs: the events are fed in
order on the event loop, so every run draws exactly the same screen.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.app.conftest import START, runbook
from tests.session_logs import started_log
from tui.app.app import TurnoutApp
from tui.app.messages import LogRecords
from tui.app.question import PendingQuestion
from tui.aws.protocol import Identity, Progress
from tui.clock import ManualClock
from tui.engine import questions
from tui.engine.events import (
    ConditionResult,
    GuardrailReading,
    GuardrailsPolled,
    Notice,
    RollbackChanged,
    SessionEnded,
    SessionStarted,
    StepChanged,
    StepProgress,
)
from tui.engine.ports import Choice, Question, QuestionKind, StepState
from tui.engine.steps import step_body

NOW = START + timedelta(minutes=23, seconds=17)


@dataclass
class SnapshotState:
    """One screen to draw."""

    runbook: str
    events: list[Any]
    question: Question | None = None
    notes: list[str] = field(default_factory=list)
    rehearsal: bool = True
    debrief: tuple[str, list[tuple[str, str]]] | None = None  # what `turnout rehearse` shows


def _started(name: str, rehearsal: bool = True) -> SessionStarted:
    rb = runbook(name)
    return SessionStarted(
        rb.name,
        rb.title,
        Identity("123456789012", "arn:aws:sts::123456789012:assumed-role/ops/alice", "us-east-1"),
        rehearsal,
        "sessions/x",
        START,
        START + timedelta(seconds=rb.window or 3600),
    )


def _series(
    rng: random.Random, base: float, spread: float, n: int = 40, climb: float = 0.0
) -> tuple[tuple[Any, float], ...]:
    points = []
    for i in range(n):
        value = max(0.0, base + rng.uniform(-spread, spread) + climb * max(0, i - n + 8))
        points.append((NOW - timedelta(minutes=n - i), round(value, 3)))
    return tuple(points)


def _reading(step, name, points, maximum, needed, severity, minimum=None):
    value = points[-1][1]
    breaches = 0
    for _, v in reversed(points):
        if (maximum is None or v <= maximum) and (minimum is None or v >= minimum):
            break
        breaches += 1
    return GuardrailReading(
        step,
        name,
        value,
        minimum,
        maximum,
        min(breaches, needed),
        needed,
        severity,
        points,
        breaches >= needed,
    )


def _done(*steps: str) -> list[Any]:
    return [StepChanged(s, StepState.DONE, "", NOW) for s in steps]


def refresh_with_metrics() -> SnapshotState:
    """An instance refresh half done, its guardrails charted."""
    rng = random.Random(7)
    rb = runbook("asg-instance-refresh")
    ids = [s.id for s in rb.order]
    refresh = next(s for s in rb.order if s.action == "autoscaling.instance_refresh")
    readings = []
    for g in refresh.guardrails:
        bound = g.condition.threshold  # type: ignore[union-attr]
        if bound.maximum is not None:
            points = _series(rng, bound.maximum * 0.3, bound.maximum * 0.2)
        else:
            points = _series(rng, bound.minimum + 1, 0.4)
        readings.append(
            _reading(
                refresh.id, g.name, points, bound.maximum, g.consecutive, g.on_breach, bound.minimum
            )
        )
    instances = [
        {"id": f"i-0{n:016x}", "zone": f"us-east-1{'ab'[n % 2]}", "version": v, "health": h}
        for n, (v, h) in enumerate(
            [("3", "Healthy"), ("3", "Healthy"), ("2", "Healthy"), ("2", "Draining")]
        )
    ]
    detail = {
        "refresh": {
            "status": "InProgress",
            "percent": 50,
            "instances_to_update": 2,
            "reason": "Waiting for instances to warm up before continuing.",
            "checkpoint": 50,
            "instances": instances,
        }
    }
    events = [
        _started(rb.name),
        *_done(*ids[: ids.index(refresh.id)]),
        StepChanged(refresh.id, StepState.RUNNING, "", NOW),
        StepProgress(refresh.id, Progress("running", "InProgress 50 %", 50, detail), NOW),
        GuardrailsPolled(refresh.id, NOW, tuple(readings)),
    ]
    return SnapshotState(rb.name, events)


def canary_split(breach: bool = False) -> SnapshotState:
    """The ALB canary at 25 % on green, baking; with `breach`, the 5xx rate climbing."""
    rng = random.Random(11)
    rows = [
        (
            "green 5xx rate",
            _series(rng, 0.2, 0.15, climb=0.6 if breach else 0.0),
            1.0,
            2,
            "rollback",
        ),
        ("green p99 latency", _series(rng, 0.21, 0.05), 0.5, 3, "pause"),
        ("green unhealthy hosts", _series(rng, 0.0, 0.0), 0.0, 2, "rollback"),
    ]
    readings = tuple(_reading("canary", *row) for row in rows)
    weights = {
        "resource": "web-alb:80 (listener HTTP:80)",
        "weights": {"web-blue": 75, "web-green": 25},
        "step": 2,
        "steps": [5, 25, 50, 100],
        "bake_remaining": 192,
    }
    events = [
        _started("alb-canary"),
        *_done("drain-delay"),
        ConditionResult(
            "canary", "green has healthy targets", True, 2, "2 healthy targets in web-green"
        ),
        StepChanged("canary", StepState.RUNNING, "step 2 of 4: 25 % on green", NOW),
        StepProgress("canary", Progress("running", "25 % on green", 50, {"weights": weights}), NOW),
        GuardrailsPolled("canary", NOW, readings),
    ]
    question = None
    if breach:
        events.append(StepChanged("canary", StepState.WAITING, "green 5xx rate breached", NOW))
        question = Question(
            QuestionKind.BREACH,
            "green 5xx rate breached: roll back?",
            f"**green 5xx rate** is {readings[0].value:.2f} % against a bound of 1 % for "
            "2 polls in a row.\n\nRolling back puts the listener's weights back to "
            "web-blue 100 / web-green 0.",
            (Choice("rollback", "Roll back now"), Choice("hold", "Hold: keep watching")),
            step="canary",
            default="rollback",
            deadline=NOW + timedelta(seconds=103),
            evidence={"green 5xx rate": f"{readings[0].value:.2f} % (bound ≤ 1 %)"},
        )
    return SnapshotState("alb-canary", events, question)


def irreversible_confirmation() -> SnapshotState:
    """The RDS switchover's typed confirmation."""
    events = [
        _started("rds-blue-green", rehearsal=False),
        *_done("snapshot", "quiet-writers"),
        StepChanged("switchover", StepState.WAITING, "", NOW),
    ]
    # The engine's own question for the step, so the modal shows the choices a person gets.
    step = runbook("rds-blue-green").step("switchover")
    question = questions.typed(step, step_body(step), step.confirm_phrase or "")
    return SnapshotState("rds-blue-green", events, question, rehearsal=False)


def rolled_back() -> SnapshotState:
    """After a guardrail rolled the canary back: the debrief state."""
    state = canary_split(breach=True)
    state.events += [
        RollbackChanged("started", "guardrail green 5xx rate", "canary"),
        StepProgress(
            "canary",
            Progress(
                "done",
                "web-alb:80 forwards web-blue 100, web-green 0 again",
                100.0,
                {
                    "weights": {
                        "resource": "web-alb:80",
                        "weights": {"web-blue": 100, "web-green": 0},
                    }
                },
            ),
        ),
        StepChanged("canary", StepState.ROLLED_BACK, "weights back to web-blue 100", NOW),
        StepChanged("drain-delay", StepState.ROLLED_BACK, "", NOW),
        Notice(
            "elbv2.ModifyListener on web-alb:80: Throttling: Rate exceeded (retried, then "
            "succeeded)",
            "warn",
            "canary",
        ),
        RollbackChanged("verified", "rollback completed"),
        SessionEnded(
            3, "rolled back: guardrail green 5xx rate breached 2 polls in a row", "sessions/x"
        ),
    ]
    state.question = None
    state.debrief = (
        "Debrief: scenario bad-ami",
        [
            ("outcome", "rolled back"),
            ("fault began", "09:16:02"),
            ("users first saw errors", "09:19:40"),
            ("time to detect", "1m10s"),
            ("time to roll back", "2m05s"),
            ("errors served to users", "212 of 31877 (0.67 %)"),
        ],
    )
    return state


def build_app(state: SnapshotState, tmp: Path) -> tuple[TurnoutApp, Callable[[Any], Any]]:
    """The app for `state`, and the `run_before` that feeds it (for snap_compare)."""
    clock = ManualClock(NOW)
    app = TurnoutApp(runbook(state.runbook), clock, tmp, who="alice", tail_log=False)
    records = _log_records(state, tmp)

    async def run_before(pilot: Any) -> None:
        for event in state.events:
            app.apply_event(event)
        app._records(LogRecords(records))
        for item in app.model.checklist:
            app.model.checklist_answered(item.text, True)  # every state is past the checklist
        app.session_screen.update_parts({"checklist"})
        if state.question is not None:
            app.show_question(PendingQuestion(state.question, 1, NOW))
        if state.debrief is not None:
            app.session_screen.show_debrief(*state.debrief)
        await pilot.pause()
        # A typed confirmation's cursor blinks every 0.5 s: on a busy machine the picture was
        # taken after the first blink, with the cursor off (a snapshot "failure"). Steady on.
        from textual.widgets import Input

        for typed in app.screen.query(Input):
            typed.cursor_blink = False
        app.tick()
        await pilot.pause()

    return app, run_before


def _log_records(state: SnapshotState, tmp: Path) -> list[Any]:
    from tui.audit.chain import read_log

    clock = ManualClock(START)
    log = started_log(
        tmp,
        clock,
        "alice",
        runbook_path="runbooks/x.yaml",
        runbook_name=state.runbook,
        mode="rehearsal" if state.rehearsal else "real",
        account="123456789012",
        user="alice",
    )
    for event in state.events:
        clock.advance(17)
        if isinstance(event, StepChanged) and event.state is StepState.RUNNING:
            log.step_start(event.step, action="…")
        elif isinstance(event, StepChanged) and event.state is StepState.DONE:
            log.step_end(event.step, "completed")
        elif isinstance(event, RollbackChanged) and event.phase == "started":
            log.rollback_start(trigger="guardrail", reason=event.text, plan=["canary"])
        elif isinstance(event, SessionEnded):
            log.session_end(event.exit_code, reason=event.summary)
    log.close()
    return list(read_log(tmp).records)


def checklist_question() -> SnapshotState:
    """The first checklist item, before anything has changed."""
    events = [_started("alb-canary")]
    item = runbook("alb-canary").checklist[0]
    return SnapshotState("alb-canary", events, questions.checklist(1, 3, item))


def precondition_failed() -> SnapshotState:
    """The canary's precondition failed: stop, check again, or override."""
    events = [_started("alb-canary"), *_done("drain-delay")]
    step = runbook("alb-canary").step("canary")
    body = "at least 2 healthy targets in web-green: 1 healthy (of 2)"
    question = questions.precondition(step, body, {"healthy_targets": 1})
    return SnapshotState("alb-canary", events, question)


def manual_step() -> SnapshotState:
    """A manual step waiting for the person to say it is done."""
    events = [_started("alb-canary"), *_done("drain-delay", "canary", "full-traffic-bake")]
    step = runbook("alb-canary").step("keep-blue")
    instructions = str(step.arguments.get("instructions") or step.title)
    return SnapshotState("alb-canary", events, questions.manual(step, instructions))
