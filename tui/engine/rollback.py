"""Rolling back: cancel what runs, undo what was done in reverse, verify the guardrails.

The plan (docs/engine.md): the step in flight first (cancelled, then undone from the data it
captured), then the completed steps in reverse order. A `rollback:` step that `undoes` a step
replaces that step's automatic undo; rollback steps without `undoes` run last, in file order.
A manual step is shown again for a person to reverse; an irreversible step cannot be undone
(the session then ends 4: the world is not back where it was); steps whose action keeps what
it made (a backup image, a snapshot) or changed nothing have nothing to undo.

Then the guardrails of every step that ran must come back healthy within a bound: for each,
a datapoint from a period that began after the rollback ended, inside its band. A guardrail
that shows no data by the bound passes only under `missing_data: ignore` (and says so), and
only when another guardrail read a healthy value: silence alone verifies nothing. A resumed
rollback verifies the guardrails of every step it covers (`Progressed.covered`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tui.aws.protocol import ActionDriver, CloudError, Progress
from tui.engine import events, questions
from tui.engine.blocked import settle
from tui.engine.core import Core
from tui.engine.guardrails import Watch, condition_period
from tui.engine.ports import StepState
from tui.engine.watching import GuardrailPoller
from tui.exitcodes import ExitCode
from tui.runbook.actions import CATALOGUE
from tui.runbook.describe import condition_text
from tui.runbook.model import Guardrail, MissingData, Runbook, Step


@dataclass(frozen=True)
class PlanItem:
    """One thing the rollback does. `kind`: undo (the action's automatic undo), explicit (a
    `rollback:` step), manual (a person reverses it), irreversible (cannot be undone)."""

    kind: str
    step: Step  # the step run (explicit: the rollback step) or undone
    undoes: str | None = None  # the forward step it reverses

    @property
    def label(self) -> str:
        """Its name in the audit log's rollback plan."""
        return self.step.id


def has_undo(step: Step) -> bool:
    """Whether rolling back `step` calls AWS (its action declares undo operations)."""
    spec = CATALOGUE.get(step.action)
    return bool(spec and spec.has_undo)


def plan_rollback(core: Core) -> list[PlanItem]:
    """What to undo, in order, for what the session has done so far."""
    runbook, progress = core.runbook, core.progress
    replaced = {s.undoes: s for s in runbook.rollback if s.undoes}
    touched = list(progress.done)
    if progress.in_flight is not None and progress.in_flight not in touched:
        touched.append(progress.in_flight)
    items: list[PlanItem] = []
    for step in reversed(touched):
        if step.id in replaced:
            items.append(PlanItem("explicit", replaced[step.id], step.id))
        elif step.irreversible:
            items.append(PlanItem("irreversible", step, step.id))
        elif step.action == "manual":
            items.append(PlanItem("manual", step, step.id))
        elif has_undo(step) and step.id in progress.captured:
            items.append(PlanItem("undo", step, step.id))
    items += [PlanItem("explicit", s) for s in runbook.rollback if not s.undoes]
    return items


class Rollback:
    """Carries out a rollback for a session and says how it ended (an exit code)."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def run(
        self,
        trigger: str,
        reason: str,
        step: str | None,
        plan: list[PlanItem],
        *,
        resumed: bool = False,
        failed_before: tuple[str, ...] = (),
    ) -> tuple[ExitCode, str]:
        """Roll back along `plan` (from `plan_rollback`, or what a resumed log had left:
        `resumed` looks for each undo in AWS before sending it; `failed_before` are items
        whose undo failed before the interruption)."""
        core = self.core
        core.current = None
        core.watching = None  # a rollback's own questions yield to no guardrail
        core.log.rollback_start(
            trigger=trigger, reason=reason, plan=[i.label for i in plan], step=step
        )
        core.notify(events.RollbackChanged("started", f"rolling back: {reason}", step))
        self._cancel_in_flight(reason)
        problems = [f"{label}: its undo failed before the interruption" for label in failed_before]
        for item in plan:
            if item.kind == "irreversible" and self._refused_before_it_began(item.step):
                # AWS refused the start (RDS refusing a switchover for a long write): there is
                # nothing to undo, and "restore by hand" would send a person after nothing.
                core.log.rollback_step(item.label, ok=True, error=None)
                core.notice(
                    f"{item.label}: AWS refused it before it began and shows no change: "
                    "nothing to undo",
                    "info",
                    item.label,
                )
                continue
            error = self.undo(item, resumed=resumed)
            core.log.rollback_step(item.label, ok=error is None, error=error)
            target = item.undoes or item.label
            if error is None:
                core.state(target, StepState.ROLLED_BACK)
                core.notify(events.RollbackChanged("step", f"{item.label} undone", target))
            else:
                problems.append(f"{item.label}: {error}")
                core.state(target, StepState.FAILED, error)
                core.notify(events.RollbackChanged("failed", f"{item.label}: {error}", target))
        core.log.rollback_end(ok=not problems, error="; ".join(problems) or None)
        if problems:
            return ExitCode.LEFT_FOR_OPERATOR, "rollback incomplete: " + "; ".join(problems)
        return self.verified(reason)

    def verified(self, reason: str) -> tuple[ExitCode, str]:
        """Verify the guardrails after the undo; the exit code and summary of the rollback."""
        ok, text = self.verify()
        if not ok:
            return ExitCode.LEFT_FOR_OPERATOR, f"rolled back, but {text}"
        return ExitCode.ROLLED_BACK, f"rolled back ({reason}); {text}"

    def _cancel_in_flight(self, reason: str) -> None:
        core = self.core
        step, driver = core.progress.in_flight, core.progress.driver
        if step is None:
            return
        core.state(step.id, StepState.ROLLING_BACK, "cancelling")
        if driver is not None:
            try:
                with core.tag(step.id, rollback=True):
                    driver.cancel()
            except (CloudError, NotImplementedError) as exc:
                core.notice(f"could not cancel {step.id}: {exc}", "warn", step.id)
        core.log.step_end(step.id, "cancelled", error=reason)

    # -- undoing -----------------------------------------------------------------------------

    def undo(self, item: PlanItem, *, resumed: bool = False) -> str | None:
        """Carry out one plan item; None when it worked, else what went wrong. `resumed`: the
        undo may have been sent before a crash, so AWS is looked at first (`find_undone`)."""
        core = self.core
        target = item.undoes or item.label
        core.state(target, StepState.ROLLING_BACK)
        if item.kind == "irreversible":
            return "irreversible: turnout cannot undo it; restore by hand (see the runbook)"
        if item.kind == "manual" or (item.kind == "explicit" and item.step.action == "manual"):
            instructions = str(item.step.arguments.get("instructions", ""))
            answer = core.ask(questions.manual(item.step, instructions, reverse=True))
            return None if answer.choice == questions.YES else f"left for later by {answer.who}"
        if item.kind == "explicit" and item.step.action == "wait":
            core.sleep(float(item.step.arguments["duration"]), interruptible=False)
            return None
        while True:
            try:
                return self._undo_calls(item, target, resumed)
            except CloudError as exc:
                if not exc.blocked:
                    return str(exc)
                # AWS refused the session itself (credentials, a permission, throttling): the
                # rest of the rollback would meet the same refusal. Retry once a person has
                # acted, or pause resumable (Stop): never end 4 with the traffic half back.
                settle(core, target, exc, rolling_back=True)
                resumed = True  # an earlier call of this undo may have gone through: look
            except (KeyError, NotImplementedError) as exc:
                return str(exc)
            except Exception as exc:  # a driver's bug: report it, keep undoing the rest
                return f"internal error in the {item.step.action} driver: {exc!r}"

    def _undo_calls(self, item: PlanItem, target: str, resumed: bool) -> str | None:
        core = self.core
        with core.tag(item.step.id, rollback=True):
            if item.kind == "explicit":
                driver = core.cloud.driver(item.step)
                return self._follow(target, driver.start(), driver.poll)
            driver = self._driver_for(item.step)
            captured = core.progress.captured[item.step.id]
            if resumed:
                found = driver.find_undone(captured)
                if found is not None:
                    state = "done" if found.done else "under way"
                    core.notice(f"{target}: AWS shows its undo {state}; not sending it again")
                    return self._follow(target, found, driver.poll_undo)
            return self._follow(target, driver.undo(captured), driver.poll_undo)

    def _refused_before_it_began(self, step: Step) -> bool:
        """The in-flight step's start never went through, and AWS shows no change of it
        (`find_started` asked; a step that was accepted, or whose driver cannot tell, is not)."""
        progress = self.core.progress
        if progress.in_flight is not step or step.id in progress.launched:
            return False
        if progress.driver is None:
            return False
        try:
            with self.core.tag(step.id, rollback=True):
                return not progress.driver.find_started(progress.captured.get(step.id, {}))
        except (CloudError, KeyError, NotImplementedError):
            return False

    def _driver_for(self, step: Step) -> ActionDriver:
        progress = self.core.progress
        if progress.in_flight is step and progress.driver is not None:
            return progress.driver
        return self.core.cloud.driver(step)

    def _follow(self, step_id: str, progress: Progress, poll: object) -> str | None:
        core = self.core
        while True:
            # Front ends show what the undo put back (the weights, the template version) as
            # they showed what the step changed: the panels must not keep the step's last state.
            core.notify(events.StepProgress(step_id, progress, core.now()))
            if progress.done:
                return None
            if progress.failed:
                return progress.reason or progress.summary or "failed"
            core.notice(progress.summary or progress.state, "info", core.current)
            core.sleep(core.options.poll, interruptible=False)
            progress = poll()  # type: ignore[operator]

    # -- verifying ---------------------------------------------------------------------------

    def guardrails(self) -> list[Guardrail]:
        """Every guardrail of the steps that ran, then of the runbook's `rollback:` steps
        (where a runbook says how the side taking the traffic back looks healthy), once each."""
        progress, seen, found = self.core.progress, set(), []
        steps = list(progress.done) + ([progress.in_flight] if progress.in_flight else [])
        steps += progress.covered + list(self.core.runbook.rollback)
        for step in steps:
            for guardrail in step.guardrails:
                key = (guardrail.name, condition_text(guardrail.condition))
                if key not in seen:
                    seen.add(key)
                    found.append(guardrail)
        return found

    def verify(self) -> tuple[bool, str]:
        """Wait for every guardrail to come back healthy within the bound."""
        core = self.core
        guardrails = self.guardrails()
        if not guardrails:
            core.notify(events.RollbackChanged("verified", "no guardrails to verify"))
            return True, "no guardrails to verify"
        ended = core.now()
        longest = max(condition_period(g.condition) for g in guardrails)
        bound = core.options.verify_within or max(300.0, 3.0 * longest)
        deadline = ended + timedelta(seconds=bound)
        core.notify(
            events.RollbackChanged("verifying", f"waiting up to {bound:g}s for healthy guardrails")
        )
        watch = Watch(guardrails, ended)
        watch.only_after(ended)  # only periods that began after the rollback ended count
        poller = GuardrailPoller(core, "rollback", watch)
        while True:
            core.sleep(core.options.poll, interruptible=False)
            evaluations = poller.evaluate("verify")
            healthy = [e for e in evaluations if e.value is not None and not e.latest_breaching]
            silent = [
                e
                for e in evaluations
                if e.value is None and e.guardrail.missing_data is MissingData.IGNORE
            ]
            if len(healthy) == len(evaluations):
                core.notify(events.RollbackChanged("verified", "every guardrail is healthy again"))
                return True, "every guardrail is healthy again"
            # A guardrail under `ignore` that stays silent for two whole periods after the
            # rollback (green at weight 0 serves nothing) will not come back: stop waiting.
            # Silence alone verifies nothing: some guardrail must read a healthy value (the
            # side now taking the traffic), else the rollback is not called healthy.
            settled = core.now() >= ended + timedelta(seconds=2 * longest)
            accepted = healthy and len(healthy) + len(silent) == len(evaluations)
            if core.now() >= deadline or (settled and accepted):
                if accepted:
                    names = ", ".join(e.guardrail.name for e in silent)
                    text = f"guardrails healthy; no data to verify {names} (missing_data: ignore)"
                    core.notice(text, "warn")
                    core.notify(events.RollbackChanged("verified", text))
                    return True, text
                bad = [e for e in evaluations if e not in healthy]
                text = "not healthy after the rollback within {:g}s: {}".format(
                    bound,
                    "; ".join(
                        f"{e.guardrail.name} = {'no data' if e.value is None else f'{e.value:g}'}"
                        for e in bad
                    ),
                )
                core.notify(events.RollbackChanged("failed", text))
                return False, text


def plan_item(runbook: Runbook, label: str) -> PlanItem | None:
    """The rollback plan's item for `label` as `rollback.start` recorded it (a resumed rollback
    rebuilds its plan from the log): an explicit rollback step, or the undo of a step."""
    for step in runbook.rollback:
        if step.id == label:
            return PlanItem("explicit", step, step.undoes)
    step = runbook.step(label)
    if step.irreversible:
        return PlanItem("irreversible", step, step.id)
    if step.action == "manual":
        return PlanItem("manual", step, step.id)
    return PlanItem("undo", step, step.id) if has_undo(step) else None
