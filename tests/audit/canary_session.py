"""The audit tests' session: a fixed, realistic session log written through `SessionLog` (the
`canary_session` fixture in tests/conftest.py writes it for each test that asks).

`write_canary_session` plays a whole ALB canary session on a `ManualClock` (so every timestamp
and duration is exact): checklist, a snapshot, a 5 % canary that bakes clean, a 25 % canary
behind a typed confirmation whose error rate breaches, an unanswered rollback prompt that times
out into a rollback, two steps undone, a note, exit 3. After every record it notes, by hand,
what the resume contract must say if the log were cut right there (`Expect`), so the resume
tests check `resume_state` against a script, not against a second implementation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tui.audit.chain import Record
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock

START = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)
LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/1/2"
RUNBOOK_SHA = "9f2c" + "0" * 56 + "beef"


@dataclass(frozen=True)
class Expect:
    """What `resume_state` must report after a given record."""

    completed: tuple[str, ...] = ()
    in_flight: str | None = None
    mutation_sent: bool = False
    mutation_result: bool = False
    undo_steps: tuple[str, ...] = ()
    pending_prompt: bool = False
    rolling_back: bool = False
    ended: bool = False


@dataclass
class WrittenSession:
    """A session written by `write_canary_session`: where, its records, and the expectations."""

    dir: Path
    records: list[Record] = field(default_factory=list)
    expect: list[Expect] = field(default_factory=list)

    @property
    def log(self) -> Path:
        return self.dir / "audit.jsonl"


def write_canary_session(session_dir: Path) -> WrittenSession:
    """Write the fixed session into `session_dir` (which must exist and be empty)."""
    clock = ManualClock(START)
    out = WrittenSession(session_dir)
    state = Expect()

    def rec(record: Record, **changes: object) -> Record:
        nonlocal state
        state = dataclasses.replace(state, **changes)  # type: ignore[arg-type]
        out.records.append(record)
        out.expect.append(state)
        clock.advance(1)
        return record

    log = SessionLog.create(session_dir, clock, operator="alice")
    rec(
        log.session_start(
            runbook_path="runbooks/alb-canary.yaml",
            runbook_name="alb-canary",
            runbook_sha256=RUNBOOK_SHA,
            params={"green_weight_steps": [5, 25], "db_password": "hunter2"},
            mode="rehearsal",
            region="us-east-1",
            account="123456789012",
            arn="arn:aws:iam::123456789012:user/alice",
            scenario="canary-5xx",
            window_s=7200,
            host="ops-laptop",
            user="alice",
            pid=4242,
            argv=["turnout", "rehearse", "runbooks/alb-canary.yaml"],
        )
    )
    clock.advance(20)
    rec(log.checklist_answer(1, "RPCs ignore unknown parameters", True, elapsed_s=20.0))
    clock.advance(12)
    rec(log.checklist_answer(2, "Every consumer confirmed", True, elapsed_s=12.0))

    rec(
        log.step_start(
            "snapshot", action="rds.create_snapshot", index=1, args={"instance": "orders-db"}
        ),
        in_flight="snapshot",
    )
    call = rec(
        log.api_intent(
            "snapshot",
            service="rds",
            operation="CreateDBSnapshot",
            params={"DBInstanceIdentifier": "orders-db", "DBSnapshotIdentifier": "pre-upgrade"},
        ),
        mutation_sent=True,
    )
    clock.advance(3)
    rec(
        log.api_result(
            call, ok=True, request_id="req-0001", response={"DBSnapshot": {"Status": "creating"}}
        ),
        mutation_result=True,
    )
    rec(
        log.step_end("snapshot", "completed"),
        completed=("snapshot",),
        in_flight=None,
        mutation_sent=False,
        mutation_result=False,
    )

    weights_old = {"web-blue": 100, "web-green": 0}
    for index, (step, green, typed) in enumerate(
        [("canary-5", 5, None), ("canary-25", 25, "shift 25")], start=2
    ):
        rec(
            log.step_start(
                step,
                action="elbv2.set_weights",
                index=index,
                args={"listener": "web-alb:80", "green": green},
            ),
            in_flight=step,
        )
        if typed:
            rec(
                log.precondition(
                    step, name="green healthy hosts", passed=True, observed=2, expected={"min": 2}
                )
            )
        prompt = rec(
            log.confirm_prompt(
                step,
                kind="typed" if typed else "confirm",
                shown=f"Shift {green}% of web-alb:80 to web-green?",
                expected=typed,
            ),
            pending_prompt=True,
        )
        clock.advance(40 if typed else 15)
        rec(
            log.confirm_answer(
                prompt, "yes", accepted=True, typed=typed, screenshot=f"screens/{step}-confirm.svg"
            ),
            pending_prompt=False,
        )
        rec(
            log.undo_captured(step, action="elbv2.set_weights", data={"weights": weights_old}),
            undo_steps=(*state.undo_steps, step),
        )
        call = rec(
            log.api_intent(
                step,
                service="elbv2",
                operation="ModifyListener",
                params={
                    "ListenerArn": LISTENER_ARN,
                    "DefaultActions": [
                        {
                            "Type": "forward",
                            "ForwardConfig": {
                                "TargetGroups": [
                                    {"TargetGroupArn": "web-blue", "Weight": 100 - green},
                                    {"TargetGroupArn": "web-green", "Weight": green},
                                ]
                            },
                        }
                    ],
                },
            ),
            mutation_sent=True,
        )
        clock.advance(1)
        rec(log.api_result(call, ok=True, request_id=f"req-{index:04d}"), mutation_result=True)
        weights_old = {"web-blue": 100 - green, "web-green": green}
        errors = [0.2, 0.3, 0.2, 0.4] if not typed else [0.3, 1.4, 2.1, 3.2]
        streak = 0
        for poll, rate in enumerate(errors):
            clock.advance(59)
            streak = streak + 1 if rate > 1.0 else 0
            decision = "rollback" if streak == 3 else None
            rec(
                log.guardrail(
                    step,
                    name="error rate",
                    expr="100 * errors / requests",
                    value=rate,
                    metrics={"errors": rate * 10, "requests": 1000},
                    breached=rate > 1.0,
                    threshold={"max": 1.0},
                    consecutive=streak,
                    needed=3,
                    on_breach="rollback",
                    phase="bake",
                    metric_time=f"2026-03-14T09:{poll + 3:02d}:00Z",
                    decision=decision,
                )
            )
        if not typed:
            rec(log.step_progress(step, "baked", percent=100.0, detail={"green": green}))
            rec(
                log.step_end(step, "completed"),
                completed=(*state.completed, step),
                in_flight=None,
                mutation_sent=False,
                mutation_result=False,
            )

    prompt = rec(
        log.confirm_prompt(
            "canary-25",
            kind="rollback",
            shown="error rate 3.2 > 1.0 for 3 polls: roll back?",
            timeout_s=600,
            default_on_timeout="rollback",
        ),
        pending_prompt=True,
    )
    clock.advance(600)
    rec(log.confirm_answer(prompt, "timeout", accepted=True), pending_prompt=False)
    rec(
        log.step_end("canary-25", "cancelled", error="error rate breached"),
        in_flight=None,
        mutation_sent=False,
        mutation_result=False,
    )
    rec(
        log.rollback_start(
            trigger="guardrail",
            reason="error rate 3.2 > 1.0 for 3 polls",
            step="canary-25",
            plan=["canary-25", "canary-5"],
        ),
        rolling_back=True,
    )
    for step, weights in [
        ("canary-25", {"web-blue": 95, "web-green": 5}),
        ("canary-5", {"web-blue": 100, "web-green": 0}),
    ]:
        call = rec(
            log.api_intent(
                step,
                service="elbv2",
                operation="ModifyListener",
                params={"weights": weights},
                rollback=True,
            )
        )
        clock.advance(1)
        rec(log.api_result(call, ok=True, request_id=f"req-undo-{step}"))
        rec(log.rollback_step(step, ok=True))
    rec(log.rollback_end(ok=True), rolling_back=False)
    rec(log.note("5xx came from the green pool's cold cache; retry after warming it"))
    rec(log.session_end(3, reason="guardrail error rate"), ended=True)
    log.close()
    return out
