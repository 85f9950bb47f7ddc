"""Running one forward step: preconditions, confirmation, the action (or the engine's own
`manual` and `wait`), its bake, with the step's guardrails watched throughout.

The order inside a step is the audit log's: `step.start`, preconditions, the question, then
`undo.captured` before the driver's first change, then the action's progress and the
guardrails' evaluations, then `step.end`.

A step's poller becomes the session's watch in force when its action begins, and stays it
after the step completes (phase `after`) until the next step's action begins: the previous
canary step's guardrails do not go dark while the next step's confirmation waits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from tui.aws.protocol import ActionDriver, CloudError, Progress
from tui.engine import events, questions
from tui.engine.approvals import confirmation_rule, told_before
from tui.engine.blocked import settle
from tui.engine.core import Core, Waiting
from tui.engine.guardrails import Watch
from tui.engine.outcome import RollbackNeeded, Stop
from tui.engine.ports import Answer, Question, StepState
from tui.engine.preconditions import check_all
from tui.engine.watching import GuardrailPoller
from tui.exitcodes import ExitCode
from tui.runbook.model import Step

T = TypeVar("T")
ENGINE_ACTIONS = ("manual", "wait")


def step_body(step: Step) -> str:
    """What a confirmation shows: the step's title, action, arguments and description."""
    args = ", ".join(f"{k}={v}" for k, v in step.arguments.items() if v not in (None, [], {}))
    lines = [f"**{step.action}** ({step.risk})", args]
    if step.description:
        lines += ["", step.description.strip()]
    return "\n".join(lines)


class StepRunner:
    """Runs forward steps for a session (see the module docstring)."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def run(self, step: Step, index: int, *, attempt: int = 1) -> None:
        """Run `step` from the start; raises Stop or RollbackNeeded to cut the session short."""
        core = self.core
        core.current = step.id
        core.state(step.id, StepState.CHECKING)
        core.log.step_start(
            step.id,
            action=step.action,
            index=index,
            service=step.service,
            args=step.arguments,
            irreversible=step.irreversible,
            attempt=attempt,
        )
        core.progress.started_at.setdefault(step.id, core.now())
        self._preconditions(step)
        self._confirm(step)
        self.act(step, core.progress.started_at[step.id])

    def act(self, step: Step, since: datetime, driver: ActionDriver | None = None) -> None:
        """Perform the action (following `driver` when a resumed session found it under way),
        bake, and end the step."""
        core = self.core
        poller = GuardrailPoller(core, step.id, Watch(step.guardrails, since))
        core.watching = poller
        if step.action == "manual":
            self._manual(step)
        elif step.action == "wait":
            reason = step.arguments.get("reason") or "waiting"
            core.state(step.id, StepState.RUNNING, str(reason))
            self.watch_for(step, poller, float(step.arguments["duration"]), "run")
        else:
            self._driven(step, poller, driver)
        if step.bake:
            core.state(step.id, StepState.BAKING, f"baking {step.bake}")
            self.watch_for(step, poller, float(step.bake), "bake")
        core.log.step_end(step.id, "completed")
        poller.phase = "after"  # still watched while the next step's question waits
        core.progress.done.append(step)
        core.progress.in_flight, core.progress.driver = None, None
        core.state(step.id, StepState.DONE)

    # -- before the action -------------------------------------------------------------------

    def _preconditions(self, step: Step) -> None:
        core = self.core
        while step.preconditions:
            try:
                with core.tag(step.id):
                    checks = check_all(core.cloud, step.preconditions, core.now())
            except CloudError as exc:  # AWS refused the session's read (check_all raises no other)
                settle(core, step.id, exc)  # retry returns; pause and roll back raise
                continue
            for check in checks:
                core.log.precondition(
                    step.id,
                    name=check.label,
                    passed=check.ok,
                    observed=check.value,
                    expected=check.expected,
                    detail=check.text,
                )
                core.notify(
                    events.ConditionResult(step.id, check.label, check.ok, check.value, check.text)
                )
            failed = [c for c in checks if not c.ok]
            if not failed:
                return
            body = "\n".join(f"- **{c.label}**: {c.text}" for c in failed)
            evidence = {c.label: c.value for c in failed}
            answer = self._ask_before_change(step, questions.precondition(step, body, evidence))
            if answer.choice == questions.RETRY:
                continue
            if answer.choice == questions.OVERRIDE:
                for check in failed:
                    core.notify(
                        events.ConditionResult(
                            step.id, check.label, False, check.value, check.text, overridden=True
                        )
                    )
                core.notice(f"precondition overridden by {answer.who}: {answer.text}", "warn")
                return
            reason = "; ".join(f"{c.label}: {c.text}" for c in failed)
            core.log.step_end(step.id, "refused", error=reason)
            core.state(step.id, StepState.FAILED, f"refused: {reason}")
            raise Stop(ExitCode.REFUSED, f"step {step.id} refused by its precondition: {reason}")

    def _confirm(self, step: Step) -> None:
        core = self.core
        body = step_body(step) + told_before(confirmation_rule(core.runbook, step))
        if step.confirm_phrase:
            question = questions.typed(step, body, step.confirm_phrase)
        elif step.confirm:
            question = questions.confirm(step, body)
        else:
            return
        answer = self._ask_before_change(step, question)
        if answer.choice == questions.YES:
            return
        if answer.choice == questions.ROLLBACK:
            core.log.step_end(step.id, "cancelled", error=f"{answer.who} chose to roll back")
            raise RollbackNeeded("operator", f"{answer.who} chose to roll back at {step.id}")
        if answer.unapproved:
            core.log.step_end(step.id, "cancelled", error=f"not approved: {answer.unapproved}")
            core.state(step.id, StepState.PENDING, "not approved")
            raise Stop(ExitCode.INTERRUPTED, f"step {step.id} not approved: {answer.unapproved}")
        core.log.step_end(step.id, "cancelled", error=f"{answer.who} said not now")
        core.state(step.id, StepState.PENDING, "not confirmed")
        raise Stop(ExitCode.INTERRUPTED, f"{answer.who} did not confirm step {step.id}")

    def _ask_before_change(self, step: Step, question: Question) -> Answer:
        """`core.ask` for a step that has changed nothing yet. When a guardrail that triggered
        while it waited takes the session elsewhere (its question chose to roll back or to
        stop), the step ends `cancelled` first, as it would had the person said so."""
        try:
            return self.core.ask(question)
        except (RollbackNeeded, Stop) as cut:
            self.core.log.step_end(step.id, "cancelled", error=str(cut))
            raise

    # -- the action --------------------------------------------------------------------------

    def _manual(self, step: Step) -> None:
        core = self.core
        instructions = str(step.arguments.get("instructions", ""))
        answer = self._ask_before_change(step, questions.manual(step, instructions))
        if answer.choice == questions.ROLLBACK:
            core.log.step_end(step.id, "cancelled", error=f"{answer.who} chose to roll back")
            raise RollbackNeeded("operator", f"{answer.who} chose to roll back at {step.id}")
        if answer.choice == questions.PAUSE:
            core.log.step_end(step.id, "cancelled", error=f"{answer.who} paused")
            raise Stop(ExitCode.INTERRUPTED, f"{answer.who} paused at manual step {step.id}")

    def _driven(self, step: Step, poller: GuardrailPoller, driver: ActionDriver | None) -> None:
        core = self.core
        progress_seen: list[Progress] = []
        if driver is None:
            driver = self.attempt(step, lambda: core.cloud.driver(step))
            captured = self.attempt(step, driver.capture)
            core.log.undo_captured(step.id, action=step.action, data=captured)
            core.progress.captured.setdefault(step.id, dict(captured))
            core.progress.in_flight, core.progress.driver = step, driver
            core.state(step.id, StepState.RUNNING)
            progress = self.attempt(step, driver.start, lambda: self._restart(driver, captured))
        else:
            core.progress.in_flight, core.progress.driver = step, driver
            core.state(step.id, StepState.RUNNING, "following the change already under way")
            progress = self.attempt(step, driver.poll)
        while True:
            if not progress.failed:  # AWS took the change (a refused start reports failed)
                core.progress.launched.add(step.id)
            self._report(step, progress, progress_seen)
            if progress.done:
                return
            if progress.failed:
                progress = self._failed(step, progress.reason or progress.summary, driver.start)
                continue
            self._wait_poll(step, poller, "run")
            progress = self.attempt(step, driver.poll)

    def _restart(self, driver: ActionDriver, captured: dict) -> Progress:
        """`start` again after a refusal, unless AWS shows the change made or under way (an
        earlier call of a multi-call start went through): then follow it, never re-send it."""
        return driver.poll() if driver.find_started(captured) else driver.start()

    def _report(self, step: Step, progress: Progress, seen: list[Progress]) -> None:
        core = self.core
        core.notify(events.StepProgress(step.id, progress, core.now()))
        last = seen[-1] if seen else None
        if last is None or (last.summary, last.percent, last.state) != (
            progress.summary,
            progress.percent,
            progress.state,
        ):
            core.log.step_progress(
                step.id,
                progress.summary or progress.state,
                percent=progress.percent,
                detail=progress.detail,
            )
            seen.append(progress)

    def attempt(self, step: Step, call: Callable[[], T], again: Callable[[], T] | None = None) -> T:
        """`call()`; an AWS error (or a driver's bug) asks STEP_FAILED: roll back, retry, leave.
        AWS refusing the session itself (credentials, a permission, throttling) asks BLOCKED
        instead (tui/engine/blocked.py); its retry runs `again` when given (a `start` looks in
        AWS for its change first), else `call`."""
        core = self.core
        while True:
            try:
                with core.tag(step.id):
                    return call()
            except CloudError as exc:
                if exc.blocked:
                    settle(core, step.id, exc)
                    call = again or call
                    continue
                error = _describe(step, exc)
            except (KeyError, NotImplementedError) as exc:
                error = _describe(step, exc)
            except Exception as exc:  # a bug in a driver must not strand a half-done change
                error = f"step {step.id}: internal error in the {step.action} driver: {exc!r}"
            self._failed(step, error, None)

    def _failed(self, step: Step, error: str, restart: Callable[[], Progress] | None) -> Progress:
        core = self.core
        core.notice(error, "error", step.id)
        core.state(step.id, StepState.FAILED, error)
        answer = core.ask(questions.step_failed(step.id, error))
        if answer.choice == questions.RETRY:
            core.state(step.id, StepState.RUNNING, "trying again")
            if restart is None:
                return Progress("running")
            return self.attempt(step, restart)
        if answer.choice == questions.LEAVE:
            core.log.step_end(step.id, "failed", error=error)
            raise Stop(ExitCode.LEFT_FOR_OPERATOR, f"step {step.id} failed and was left: {error}")
        raise RollbackNeeded("failure", error, step.id)

    # -- waiting -----------------------------------------------------------------------------

    def _wait_poll(self, step: Step, poller: GuardrailPoller, phase: str) -> None:
        core = self.core
        core.sleep(core.options.poll)
        core.safe_point(step.id)
        poller.poll(phase)

    def watch_for(self, step: Step, poller: GuardrailPoller, seconds: float, phase: str) -> None:
        """Wait `seconds` polling the guardrails (a `wait` action, or a bake)."""
        core = self.core
        end = core.now() + timedelta(seconds=seconds)
        core.waiting = waiting = Waiting(step.id, phase, end)
        try:
            while core.now() < end:
                core.sleep_until(min(end, core.now() + timedelta(seconds=core.options.poll)))
                core.safe_point(step.id)
                poller.poll(phase)
        finally:
            core.waiting = None
            if waiting.fast:  # the world back at the drill's own speed
                core.notify(events.FastForward(step.id, False, phase))


def _describe(step: Step, exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"step {step.id}: no driver for action {step.action} ({exc})"
    return f"step {step.id}: {exc}"
