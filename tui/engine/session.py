"""The session state machine: a runbook driven against a Cloud, asking an Operator.

    session = Session(runbook, cloud, operator, clock, log, options, recorder=recorder)
    code = session.run()            # or session.resume(resume_state(session_dir))

Order (docs/engine.md): STS identity against `runbook.target` (a mismatch refuses, exit 5,
before anything changes) → `session.start` → the preflight when asked (preflight.py) → a
lease on every resource the runbook changes (tui/engine/leasing.py; one held by another
session refuses, exit 5) → the checklist, item by item → `runbook.order`, each step through
`StepRunner` → `session.end` (the leases released).
A `Stop` ends the session with its code; a `RollbackNeeded` rolls back (exit 3, or 4 when the
rollback or its verification fails).
Front ends call `request_rollback`, `request_pause`, `request_interrupt` and `add_note` from
any thread; the engine's thread acts on them at its next safe point.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tui.audit.errors import AuditWriteError
from tui.audit.redact import REDACTED
from tui.audit.resume import ResumeState
from tui.audit.session_log import SessionLog
from tui.aws.protocol import Cloud, CloudError, Identity
from tui.clock import Clock
from tui.engine import events, questions
from tui.engine.core import Core
from tui.engine.events import EndSummary
from tui.engine.leasing import Leasing
from tui.engine.options import SessionOptions
from tui.engine.outcome import RollbackNeeded, Stop
from tui.engine.ports import Operator, StepState
from tui.engine.preflight import preflight
from tui.engine.recorder import SessionCallRecorder
from tui.engine.resuming import first_start
from tui.engine.rollback import Rollback, plan_item, plan_rollback
from tui.engine.steps import StepRunner
from tui.engine.summary import end_summary
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook, Step


class Session:
    """One run (or resumption) of a runbook; see the module docstring."""

    def __init__(
        self,
        runbook: Runbook,
        cloud: Cloud,
        operator: Operator,
        clock: Clock,
        log: SessionLog,
        options: SessionOptions | None = None,
        *,
        recorder: SessionCallRecorder | None = None,
    ) -> None:
        self.runbook = runbook
        self.options = options or SessionOptions()
        self.core = Core(runbook, cloud, operator, clock, log, self.options, recorder)
        self.steps = StepRunner(self.core)
        self.rollback = Rollback(self.core)
        self.exit_code: ExitCode | None = None
        self.summary = ""
        self.end_summary: EndSummary | None = None
        self.identity: Identity | None = None
        self.leasing: Leasing | None = None

    # -- for front ends (any thread) ---------------------------------------------------------

    def request_rollback(self, who: str, reason: str) -> None:
        """Roll back at the next safe point (after the operator confirms)."""
        self.core.controls.request_rollback(who, reason)

    def request_pause(self, reason: str | None = None) -> None:
        """Stop at the next safe point, resumable (exit 130)."""
        self.core.controls.request_pause(reason)

    def request_interrupt(self) -> None:
        """Ctrl-C: ask the operator (roll back, pause, continue) at the next safe point."""
        self.core.controls.request_interrupt()

    def request_fast_forward(self, who: str) -> None:
        """Rehearsal only: run the bake or wait under way at the world's fastest speed
        (recorded; anything else says there is nothing to fast-forward)."""
        self.core.controls.request_fast_forward(who)

    def add_note(self, text: str, who: str | None = None) -> None:
        """A note from the operator, attached to the step under way, written at once."""
        self.core.log.note(text, step=self.core.current, who=who)

    # -- running -----------------------------------------------------------------------------

    def run(self) -> ExitCode:
        """Run the runbook from the start; return its exit code (docs/engine.md#exit-codes)."""
        refusal = self._identity_and_start() or self._preflight() or self._lease()
        if refusal is not None:
            return refusal
        self._announce(resumed=False)
        self._lease_notice()
        return self._guarded(lambda: self._forward(None))

    def resume(self, state: ResumeState) -> ExitCode:
        """Carry on from `state` (tui.audit.resume) without repeating a mutation: completed
        steps are skipped, the step in flight is looked for in AWS (`find_started`) before
        anything is sent again, an unfinished rollback is finished. The log must already be
        reopened with `SessionLog.resume` (which writes `session.resume`)."""
        refusal = self._identity(resumed=True) or self._preflight() or self._lease()
        if refusal is not None:
            return refusal
        self._announce(resumed=True, first_started=first_start(state))
        self._lease_notice()
        if state.rollback_begun:
            return self._guarded(lambda: self._finish_rollback(state))
        return self._guarded(lambda: self._forward(state))

    def _guarded(self, body: Callable[[], None]) -> ExitCode:
        try:
            try:
                body()
            except RollbackNeeded as needed:
                plan = plan_rollback(self.core)
                try:
                    code, text = self.rollback.run(needed.trigger, needed.reason, needed.step, plan)
                except Stop as stop:  # paused mid-rollback (AWS refused an undo): resumable
                    return self._end(stop.exit_code, stop.reason)
                return self._end(code, text)
            except Stop as stop:
                return self._end(stop.exit_code, stop.reason)
        except AuditWriteError as exc:
            # The log cannot take another record: stop at once, taking no further action.
            self.exit_code, self.summary = ExitCode.LEFT_FOR_OPERATOR, str(exc)
            self.core.notify(events.SessionEnded(int(self.exit_code), str(exc), self._dir()))
            return self.exit_code
        finally:
            self._release_leases()  # whatever ended the body: a bug, a second Ctrl-C
        done = len(self.core.progress.done)
        return self._end(
            ExitCode.COMPLETED, f"completed: {done} of {len(self.runbook.order)} steps"
        )

    def _forward(self, state: ResumeState | None) -> None:
        core = self.core
        self._checklist(set(state.checklist_confirmed) if state else set())
        completed = set(state.completed) if state else set()
        in_flight = state.in_flight if state else None
        for index, step in enumerate(self.runbook.order, start=1):
            core.safe_point(None)
            if step.id in completed:
                self._skip(step, state)
            elif in_flight is not None and in_flight.step == step.id and state is not None:
                self._resume_in_flight(step, index, state)
            else:
                attempts = (
                    state.fold.steps[step.id].attempts
                    if state and state.fold and step.id in state.fold.steps
                    else 0
                )
                self.steps.run(step, index, attempt=attempts + 1)

    def _checklist(self, confirmed: set[int]) -> None:
        core, items = self.core, self.runbook.checklist
        for index, item in enumerate(items, start=1):
            if index in confirmed:
                continue
            asked = core.now()
            question = questions.checklist(index, len(items), item)
            answer = core.answer(question)  # a pause meanwhile: Stop; asked again on resume
            ok = answer.choice == questions.YES
            core.log.checklist_answer(
                index,
                item,
                ok,
                elapsed_s=round((core.now() - asked).total_seconds(), 3),
                who=answer.who,
            )
            if not ok:
                raise Stop(ExitCode.REFUSED, f"checklist item {index} not confirmed: {item}")

    # -- resuming ----------------------------------------------------------------------------

    def _skip(self, step: Step, state: ResumeState | None) -> None:
        core = self.core
        core.progress.done.append(step)
        undo = state.undo.get(step.id) if state else None
        if undo:
            core.progress.captured[step.id] = dict(undo[0])
        # DONE, not SKIPPED: it did run, and a front end showing "skipped" beside a step that
        # shifted traffic an hour ago told the operator the opposite of what AWS holds.
        core.state(step.id, StepState.DONE, "completed before the resume")

    def _resume_in_flight(self, step: Step, index: int, state: ResumeState) -> None:
        core, in_flight = self.core, state.in_flight
        assert in_flight is not None
        undo = state.undo.get(step.id)
        attempt = in_flight.attempts + 1
        if not (in_flight.mutation_sent or undo) or step.action in ("manual", "wait"):
            # Nothing reached AWS: the step runs again from its preconditions.
            self.steps.run(step, index, attempt=attempt)
            return
        captured = dict(undo[0]) if undo else {}
        driver = self.steps.attempt(step, lambda: core.cloud.driver(step))
        started = self.steps.attempt(step, lambda: driver.find_started(captured))
        if not started:
            core.notice(f"{step.id}: AWS shows no sign of the change; running the step again")
            self.steps.run(step, index, attempt=attempt)
            return
        core.notice(f"{step.id}: the change is under way in AWS; following it, not re-sending")
        core.log.step_start(
            step.id,
            action=step.action,
            index=index,
            service=step.service,
            args=step.arguments,
            irreversible=step.irreversible,
            attempt=attempt,
        )
        core.progress.captured[step.id] = captured
        fold_step = state.fold.steps.get(step.id) if state.fold else None
        since = fold_step.start.time if fold_step else core.now()
        core.progress.started_at[step.id] = since
        core.current = step.id
        self.steps.act(step, since, driver=driver)

    def _finish_rollback(self, state: ResumeState) -> None:
        """A log that shows `rollback.start` never goes forward again: the rollback is
        finished from its plan minus what is undone (each undo looked for in AWS before it is
        sent), then the guardrails of every step it covers are verified."""
        core = self.core
        for step in self.runbook.order:
            if step.id in state.completed:
                self._skip(step, state)
        for step_id, undo in state.undo.items():  # cancelled steps too: their undo is pending
            core.progress.captured.setdefault(step_id, dict(undo[0]))
        if state.in_flight is not None:
            step = self.runbook.step(state.in_flight.step)
            core.progress.in_flight = step
            core.progress.driver = self.steps.attempt(step, lambda: core.cloud.driver(step))
            undo = state.undo.get(step.id)
            if undo:
                core.progress.captured[step.id] = dict(undo[0])
        known = {s.id: s for s in self.runbook.order}
        core.progress.covered = [
            known[s]
            for s in state.rollback_steps
            if s in known
            and known[s] not in core.progress.done
            and known[s] is not core.progress.in_flight
        ]
        rollback = state.fold.rollback if state.fold else None
        first = (rollback.first or rollback.start) if rollback else None
        before = first.payload.get("reason") if first else None
        reason = f"finishing the rollback begun before the interruption ({before})"
        if state.rollback_ended:
            if state.rollback_failed:
                failed = ", ".join(state.rollback_failed)
                raise Stop(ExitCode.LEFT_FOR_OPERATOR, f"rollback incomplete: {failed}")
            core.notice("the rollback had ended before the interruption: verifying it")
            code, text = self.rollback.verified(str(before))
            raise Stop(code, text)
        start = rollback.start if rollback else None
        labels = list(start.payload.get("plan") or []) if start else []
        undone = set(state.rolled_back)
        plan = [plan_item(self.runbook, label) for label in labels if label not in undone]
        code, text = self.rollback.run(
            "operator",
            reason,
            None,
            [p for p in plan if p],
            resumed=True,
            failed_before=state.rollback_failed,
        )
        raise Stop(code, text)

    # -- start and end -----------------------------------------------------------------------

    def _identity(self, *, resumed: bool) -> ExitCode | None:
        core, target = self.core, self.runbook.target
        try:
            with core.tag(None):
                self.identity = core.cloud.identity()
            core.identity = self.identity
        except CloudError as exc:
            return self._refuse(
                None, ExitCode.INVALID_INPUT, f"cannot tell who the credentials are: {exc}", resumed
            )
        ident = self.identity
        if (ident.account, ident.region) != (target.account, target.region):
            text = (
                f"the credentials are for account {ident.account} in {ident.region} "
                f"({ident.arn}), but runbook {self.runbook.name} may only change account "
                f"{target.account} in {target.region}: refusing before any change"
            )
            return self._refuse(ident, ExitCode.REFUSED, text, resumed)
        return None

    def _refuse(self, ident: Identity | None, code: ExitCode, text: str, resumed: bool) -> ExitCode:
        if not resumed:
            self._start_record(ident)
        self.core.notice(text, "error")
        return self._end(code, text)

    def _identity_and_start(self) -> ExitCode | None:
        refusal = self._identity(resumed=False)
        if refusal is None:
            self._start_record(self.identity)
        return refusal

    def _start_record(self, ident: Identity | None) -> None:
        runbook, options = self.runbook, self.options
        path = options.runbook_path or runbook.file
        # Absolute, so `turnout resume` finds the runbook from any working directory.
        if Path(path).is_file():
            path = str(Path(path).resolve())
        self.core.log.session_start(
            runbook_path=path,
            runbook_name=runbook.name,
            runbook_sha256=options.runbook_sha256,
            # A secret is not in the log: resuming asks for it again with --set.
            params={n: REDACTED if p.secret else p.value for n, p in runbook.params.items()},
            mode=options.mode,
            region=ident.region if ident else runbook.target.region,
            account=ident.account if ident else None,
            arn=ident.arn if ident else None,
            scenario=options.scenario,
            window_s=float(runbook.window) if runbook.window else None,
            argv=list(options.argv) or None,
            endpoint=options.endpoint_url,
            profile=options.profile,
            credentials=dict(ident.via) if ident else None,
            audit_copies=options.audit_copies,
        )

    def _announce(self, *, resumed: bool, first_started: datetime | None = None) -> None:
        """Tell the front end the session (re)started. A resumed session's window and elapsed
        time count from its first start (the old resume gave a session paused an hour into a
        90-minute window another 90 minutes)."""
        core = self.core
        started = first_started or core.now()
        if self.runbook.window:
            from datetime import timedelta

            core.window_ends_at = started + timedelta(seconds=int(self.runbook.window))
        assert self.identity is not None
        core.notify(
            events.SessionStarted(
                runbook=self.runbook.name,
                title=self.runbook.title,
                identity=self.identity,
                rehearsal=self.options.rehearsal,
                session_dir=self._dir(),
                started_at=started,
                window_ends_at=core.window_ends_at,
                resumed=resumed,
                endpoint=self.options.endpoint_url,
                profile=self.options.profile,
            )
        )

    def _preflight(self) -> ExitCode | None:
        """tui/engine/preflight.py, when the options ask for it; its refusal's exit code."""
        asked = self.options.preflight
        refused = preflight(self.core, self.runbook, self.identity) if asked else None
        return None if refused is None else self._end(*refused)

    def _lease(self) -> ExitCode | None:
        """Lease what the runbook changes (options.leases); the refusal's exit code if another
        session holds any of it. Nothing has changed yet, and a refusal changes nothing."""
        store = self.options.leases
        if store is None or self.identity is None:
            return None
        log = self.core.log
        self.leasing = Leasing(store, log, on_lost=lambda text: log.note(text))
        refused = self.leasing.take(
            self.runbook, self.identity, self._dir(), break_lease=self.options.break_lease
        )
        if refused is None:
            return None
        code, text = refused
        self.core.notice(text, "error")
        return self._end(code, text)

    def _lease_notice(self) -> None:
        store = self.options.leases
        if store is not None and store.local_only and self.leasing and self.leasing.held:
            self.core.notice(
                f"the leases on what this session changes are local only ({store.where}): they "
                "keep out sessions using this sessions directory, not an operator on another "
                "machine; name a DynamoDB lock table with --lock-table or TURNOUT_LOCK_TABLE",
                "warn",
            )

    def _release_leases(self) -> None:
        if self.leasing is not None:
            with contextlib.suppress(AuditWriteError):  # released; the log cannot say so
                self.leasing.release()

    def _dir(self) -> str:
        return self.options.session_dir or str(self.core.log.path.parent)

    def _end(self, code: ExitCode, reason: str) -> ExitCode:
        self.exit_code, self.summary = code, reason
        self._release_leases()
        self.end_summary = end_summary(self.runbook, self.core, int(code), reason, self._dir())
        self.core.notify(events.SessionEnded(int(code), reason, self._dir(), self.end_summary))
        return code
