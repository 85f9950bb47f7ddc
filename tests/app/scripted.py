"""A small scripted session that speaks the engine's protocol, for driving the app in tests.

It is not the engine (tui/engine/session.py, written elsewhere): it walks a runbook's steps in
order, tells the operator what the engine would (events of tui/engine/events.py), asks the
questions the engine would ask (checklist, confirm, typed confirm, breach with a deadline on
the clock), writes a real audit log through `SessionLog`, and honours `request_rollback`,
`request_pause` and `add_note` from any thread. Metric values come from `metric(step, name,
poll)`, so a test decides when a guardrail breaches. It fakes our own engine, not AWS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from tui.audit.session_log import SessionLog
from tui.aws.protocol import Identity, Progress
from tui.clock import Clock
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
from tui.engine.ports import Answer, Choice, Operator, Question, QuestionKind, StepState
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook, Step

ROLLBACK_CHOICES = (Choice("rollback", "Roll back"), Choice("hold", "Hold (keep watching)"))


def calm(step: str, name: str, poll: int) -> float:
    """A healthy metric: zero errors, zero latency, inside every shipped bound."""
    return 0.0


class Stop(Exception):
    """Unwinds the script when the session must end early."""

    def __init__(self, code: int, summary: str) -> None:
        super().__init__(summary)
        self.code, self.summary = code, summary


class ScriptedSession:
    """Runs `runbook` against nothing, telling `operator` what an engine would."""

    def __init__(
        self,
        runbook: Runbook,
        operator: Operator,
        clock: Clock,
        session_dir: str | Path,
        *,
        metric: Callable[[str, str, int], float] = calm,
        polls: int = 4,
        poll_s: float = 30.0,
        real_pause: float = 0.0,
        hold: threading.Event | None = None,
        breach_timeout: float = 120.0,
    ) -> None:
        self.runbook, self.operator, self.clock = runbook, operator, clock
        self.session_dir = Path(session_dir)
        self.metric, self.polls, self.poll_s = metric, polls, poll_s
        self.real_pause = real_pause
        self.hold = hold  # while set, guardrail polling goes on (a bake that never ends)
        self.breach_timeout = breach_timeout
        self.answers: list[tuple[Question, Answer]] = []
        self.rollback_requests: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.pause_requested = threading.Event()
        self._rollback = threading.Event()
        self.done: list[Step] = []
        self.log: SessionLog | None = None

    # -- the Session's thread-safe surface ---------------------------------------------------

    def request_rollback(self, who: str, reason: str) -> None:
        """Roll back at the next poll."""
        self.rollback_requests.append((who, reason))
        self._rollback.set()

    def request_pause(self, reason: str | None = None) -> None:
        """Stop at the next poll, resumable."""
        self.pause_requested.set()

    def add_note(self, text: str) -> None:
        """A note for the log."""
        self.notes.append(text)
        if self.log is not None:
            self.log.note(text)

    # -- the script --------------------------------------------------------------------------

    def run(self) -> int:
        """Walk the runbook; its exit code (tui/exitcodes.py)."""
        self.log = SessionLog.create(self.session_dir, self.clock, operator="tester")
        rb = self.runbook
        self.log.session_start(
            runbook_path=rb.file,
            runbook_name=rb.name,
            params={},
            mode="rehearsal",
            region=rb.target.region,
            account=rb.target.account,
            runbook_sha256="0" * 64,
            window_s=rb.window,
            host="test",
            user="tester",
            pid=1,
            argv=[],
        )
        start = self.clock.now()
        self.operator.notify(
            SessionStarted(
                rb.name,
                rb.title,
                Identity(rb.target.account, "arn:aws:iam::test", rb.target.region),
                True,
                str(self.session_dir),
                start,
                start + timedelta(seconds=rb.window) if rb.window else None,
            )
        )
        try:
            self._checklist()
            for step in rb.order:
                self._step(step)
            code, summary = ExitCode.COMPLETED, "every step completed"
        except Stop as stop:
            code, summary = stop.code, stop.summary
        self.log.session_end(code, reason=summary)
        self.log.close()
        self.operator.notify(SessionEnded(int(code), summary, str(self.session_dir)))
        return int(code)

    def _ask(self, question: Question) -> Answer:
        prompt = self.log.confirm_prompt(  # type: ignore[union-attr]
            question.step,
            kind=question.kind.value,
            shown=question.body,
            expected=question.expected_text,
            default_on_timeout=question.default,
            timeout_s=(question.deadline - self.clock.now()).total_seconds()
            if question.deadline
            else None,
        )
        answer = self.operator.ask(question)
        self.answers.append((question, answer))
        accepted = answer.choice in ("yes", "done", "rollback")
        self.log.confirm_answer(  # type: ignore[union-attr]
            prompt,
            "timeout" if answer.timed_out else answer.choice,
            accepted=accepted,
            typed=answer.text,
            who=answer.who,
            screenshot=answer.screenshot,
        )
        return answer

    def _checklist(self) -> None:
        items = self.runbook.checklist
        for index, item in enumerate(items, start=1):  # 1-based, as the engine counts them
            answer = self._ask(
                Question(QuestionKind.CHECKLIST, f"Checklist {index} of {len(items)}", item)
            )
            self.log.checklist_answer(index, item, answer.choice == "yes")  # type: ignore[union-attr]
            if answer.choice != "yes":
                raise Stop(ExitCode.REFUSED, f"checklist item {index} not confirmed")

    def _state(self, step: Step, state: StepState, message: str = "") -> None:
        self.operator.notify(StepChanged(step.id, state, message, self.clock.now()))

    def _step(self, step: Step) -> None:
        log = self.log
        assert log is not None
        for condition in step.preconditions:
            self.operator.notify(ConditionResult(step.id, condition.label, True, 2, "2 healthy"))
            log.precondition(
                step.id, name=condition.label, passed=True, observed=2, expected={"min": 2}
            )
        if step.confirm_phrase:
            self._state(step, StepState.WAITING)
            answer = self._ask(
                Question(
                    QuestionKind.TYPED,
                    f"Run {step.id}? It cannot be undone.",
                    f"**{step.title}**\n\nType the name to go ahead.",
                    step=step.id,
                    expected_text=step.confirm_phrase,
                )
            )
            if answer.choice != "yes":
                raise Stop(ExitCode.REFUSED, f"{step.id} refused by the operator")
        elif step.confirm:
            self._state(step, StepState.WAITING)
            answer = self._ask(
                Question(QuestionKind.CONFIRM, f"Run {step.id}?", f"**{step.title}**", step=step.id)
            )
            if answer.choice != "yes":
                raise Stop(ExitCode.REFUSED, f"{step.id} refused by the operator")
        log.step_start(step.id, action=step.action, service=step.service, args={})
        self._state(step, StepState.RUNNING)
        self.done.append(step)
        polls = self.polls if step.guardrails or step.action != "manual" else 1
        poll = 0
        while poll < polls or (self.hold is not None and self.hold.is_set()):
            self._check_requests(step)
            poll += 1
            self.clock.sleep(self.poll_s)
            if self.real_pause:
                time.sleep(self.real_pause)
            self._progress(step, poll, polls)
            self._poll_guardrails(step, poll)
        log.step_end(step.id, "completed")
        self._state(step, StepState.DONE)

    def _check_requests(self, step: Step) -> None:
        if self._rollback.is_set():  # as the engine does: confirm with the operator first
            self._rollback.clear()
            who, reason = self.rollback_requests[-1]
            answer = self._ask(
                Question(
                    QuestionKind.ROLLBACK,
                    "Roll back now?",
                    f"{who} asked to roll back ({reason}).",
                    (Choice("yes", "Roll back"), Choice("no", "Keep going")),
                    step=step.id,
                )
            )
            if answer.choice == "yes":
                self._roll_back(step, "operator", reason)
        if self.pause_requested.is_set():
            self._state(step, StepState.WAITING, "paused")
            raise Stop(ExitCode.INTERRUPTED, "paused by the operator; resumable")

    def _progress(self, step: Step, poll: int, polls: int) -> None:
        share = min(1.0, poll / max(1, polls))
        detail: dict[str, Any] = {}
        if step.action == "autoscaling.instance_refresh":
            detail["refresh"] = {
                "status": "InProgress",
                "percent": round(100 * share),
                "instances_to_update": max(0, 4 - poll),
                "reason": "",
                "checkpoint": 50 if share >= 0.5 else None,
                "instances": [
                    {
                        "id": f"i-00000000000000{n}",
                        "zone": "us-east-1a",
                        "version": "2" if n < poll else "1",
                        "health": "Healthy",
                    }
                    for n in range(4)
                ],
            }
        elif step.action in ("elbv2.shift_weights", "route53.set_weights"):
            steps = list(step.arguments.get("steps") or [5, 25, 50, 100])
            green = steps[min(len(steps), poll) - 1]
            detail["weights"] = {
                "resource": "web-alb:80",
                "weights": {"web-blue": 100 - green, "web-green": green},
                "step": min(len(steps), poll),
                "steps": steps,
                "bake_remaining": 300 - 30 * (poll % 10),
            }
        elif step.action == "ecs.update_service":
            detail["ecs"] = {
                "deployments": [
                    {
                        "status": "PRIMARY",
                        "task_definition": "api:2",
                        "running": poll,
                        "pending": 1,
                        "failed": 0,
                        "rollout_state": "IN_PROGRESS",
                    },
                    {
                        "status": "ACTIVE",
                        "task_definition": "api:1",
                        "running": 4 - poll,
                        "pending": 0,
                        "failed": 0,
                        "rollout_state": "COMPLETED",
                    },
                ]
            }
        progress = Progress("running", f"poll {poll}", 100 * share, detail)
        self.operator.notify(StepProgress(step.id, progress, self.clock.now()))
        self.log.step_progress(
            step.id,
            "InProgress",
            percent=100 * share,  # type: ignore[union-attr]
            detail=detail,
        )

    def _poll_guardrails(self, step: Step, poll: int) -> None:
        readings = []
        for guardrail in step.guardrails:
            threshold = guardrail.condition.threshold  # type: ignore[union-attr]
            history = [
                (
                    self.clock.now() - timedelta(seconds=self.poll_s * (poll - n)),
                    self.metric(step.id, guardrail.name, n),
                )
                for n in range(max(1, poll - 29), poll + 1)
            ]
            breaches = 0
            for _, value in reversed(history):
                if not threshold.breached(value):
                    break
                breaches += 1
            breached = breaches >= guardrail.consecutive
            value = history[-1][1]
            readings.append(
                GuardrailReading(
                    step.id,
                    guardrail.name,
                    value,
                    threshold.minimum,
                    threshold.maximum,
                    min(breaches, guardrail.consecutive),
                    guardrail.consecutive,
                    str(guardrail.on_breach),
                    tuple(history),
                    breached,
                )
            )
            self.log.guardrail(  # type: ignore[union-attr]
                step.id,
                name=guardrail.name,
                value=value,
                metrics={"m": value},
                breached=threshold.breached(value),
                threshold={"max": threshold.maximum}
                if threshold.maximum is not None
                else {"min": threshold.minimum},
                consecutive=breaches,
                needed=guardrail.consecutive,
                on_breach=str(guardrail.on_breach),
                decision=str(guardrail.on_breach) if breached else None,
            )
        if readings:
            self.operator.notify(GuardrailsPolled(step.id, self.clock.now(), tuple(readings)))
        for reading in readings:
            if reading.breached and reading.severity == "rollback":
                self._breach(step, reading)
            elif reading.breached and reading.severity == "warn":
                self.operator.notify(Notice(f"{reading.name} breached", "warn", step.id))

    def _breach(self, step: Step, reading: GuardrailReading) -> None:
        self._state(step, StepState.WAITING, f"{reading.name} breached")
        answer = self._ask(
            Question(
                QuestionKind.BREACH,
                f"{reading.name} breached: roll back?",
                f"**{reading.name}** is {reading.value:.2f}, bound {reading.maximum}, "
                f"{reading.breaches} polls in a row.",
                ROLLBACK_CHOICES,
                step=step.id,
                default="rollback",
                deadline=self.clock.now() + timedelta(seconds=self.breach_timeout),
                evidence={"value": reading.value, "bound": reading.maximum},
            )
        )
        if answer.choice == "rollback":
            self._roll_back(step, "timeout" if answer.timed_out else "guardrail", reading.name)
        self._state(step, StepState.RUNNING)

    def _roll_back(self, step: Step, trigger: str, reason: str) -> None:
        log = self.log
        assert log is not None
        plan = [s.id for s in reversed(self.done)]
        log.rollback_start(trigger=trigger, reason=reason, plan=plan, step=step.id)
        self.operator.notify(RollbackChanged("started", f"{trigger}: {reason}", step.id))
        for step_id in plan:
            self.operator.notify(StepChanged(step_id, StepState.ROLLING_BACK, "", self.clock.now()))
            self.clock.sleep(5)
            log.rollback_step(step_id, ok=True)
            self.operator.notify(RollbackChanged("step", f"undid {step_id}", step_id))
            self.operator.notify(StepChanged(step_id, StepState.ROLLED_BACK, "", self.clock.now()))
        log.rollback_end(ok=True)
        self.operator.notify(RollbackChanged("verified", "rollback completed"))
        raise Stop(ExitCode.ROLLED_BACK, f"rolled back ({trigger}: {reason})")
