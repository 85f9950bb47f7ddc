"""One poll of a step's guardrails in a running session: fetch, record, show, decide.

All of a poll's series come from one `cloud.fetch`. Every evaluation is written to the audit
log (`guardrail.evaluated`) and shown (`GuardrailsPolled`). When guardrails trigger, the most
severe decides: rollback (a BREACH question with a deadline, defaulting to roll back), then
pause (a PAUSE question: continue with a reason, roll back, or stop resumable), then warn (a
Notice). A series that cannot be read is taken from the last poll that read it, so its
missing periods age into missing data under the guardrail's policy instead of vanishing.

While a question waits the poller is the session's watch in force (tui/engine/asking.py):
`poll_while_asking` records and shows each poll, acts on warnings, and hands back a `pause`
or `rollback` trigger more severe than the waiting question instead of asking on top of it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.aws.protocol import EXPIRED, CloudError, Series
from tui.engine import events, questions
from tui.engine.blocked import settle
from tui.engine.core import Core
from tui.engine.guardrails import Evaluation, Watch, guardrail_threshold
from tui.engine.outcome import RollbackNeeded, Stop
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.runbook.describe import condition_text, threshold_text, value_text
from tui.runbook.model import ExprCondition, MissingData

_SEVERITY = {"rollback": 3, "pause": 2, "warn": 1}
# What a waiting question of each kind already stands for: a BREACH is a rollback's question
# and a PAUSE a pause's; every other question yields to either.
_ASKING_SEVERITY = {QuestionKind.BREACH: 3, QuestionKind.PAUSE: 2}


class GuardrailPoller:
    """Polls one step's `Watch` for the session."""

    def __init__(self, core: Core, step: str, watch: Watch) -> None:
        self.core, self.step, self.watch = core, step, watch
        self.phase = "run"  # of the latest poll: run, bake, or after (the step has ended)
        self._last: dict[str, Series] = {}
        self._told_no_data: set[str] = set()
        # The refusal of the latest read when AWS refused the session's credentials: nothing
        # can be read, so the poll is not evaluated (it would age into missing data).
        self.blind: CloudError | None = None

    def read(self, now: datetime) -> dict[str, Series]:
        """Every series of the poll, falling back to the last good one per series."""
        requests = self.watch.requests(now)
        self.blind = None
        try:
            with self.core.tag(self.step):
                fetched = self.core.cloud.fetch(requests, now)
        except CloudError as exc:
            self.core.notice(f"could not read the guardrail metrics: {exc}", "warn", self.step)
            fetched = {}
            self.blind = exc if exc.blocked == EXPIRED else None
        expired = [
            s.failure for s in fetched.values() if s.failure and s.failure.blocked == EXPIRED
        ]
        self.blind = self.blind or (expired[0] if expired else None)
        series: dict[str, Series] = {}
        for request in requests:
            got = fetched.get(request.key)
            if got is not None and got.error is None:
                self._last[request.key] = got
                series[request.key] = got
            else:
                if got is not None and got.error:
                    self.core.notice(f"metric unreadable: {got.error}", "warn", self.step)
                if request.key in self._last:
                    series[request.key] = self._last[request.key]
        return series

    def evaluate(self, phase: str) -> list[Evaluation]:
        """Fetch, evaluate, record and show one poll (no decision taken)."""
        now = self.core.now()
        series = self.read(now)
        if self.blind is not None:
            return []
        evaluations = self.watch.evaluate(series, now)
        for ev in evaluations:
            self._record(ev, phase)
        self.core.notify(
            events.GuardrailsPolled(
                self.step, now, tuple(_reading(self.step, e) for e in evaluations)
            )
        )
        return evaluations

    def poll(self, phase: str) -> None:
        """One poll, and act on what triggered (may raise RollbackNeeded or Stop)."""
        self.phase = phase
        triggered = self._triggered()
        while self.blind is not None:  # the credentials were refused: ask, then read again
            settle(self.core, self.step, self.blind, blind=True)
            triggered = self._triggered()
        for ev in triggered:
            self.act(ev)

    def poll_while_asking(self, kind: QuestionKind) -> Evaluation | None:
        """One poll while a question of `kind` waits (phase as last polled): recorded, shown,
        warnings noticed; the most severe trigger the question must give way to, or None."""
        for ev in self._triggered():
            if ev.decision == "warn":
                self.act(ev)
            elif _SEVERITY[ev.decision or "warn"] > _ASKING_SEVERITY.get(kind, 0):
                return ev
        return None

    def _triggered(self) -> list[Evaluation]:
        """Poll; the evaluations that triggered, the most severe first."""
        if not self.watch.guardrails:
            return []
        evaluations = self.evaluate(self.phase)
        self._tell_no_data(evaluations)
        return sorted(
            (e for e in evaluations if e.decision),
            key=lambda e: -_SEVERITY[e.decision or "warn"],
        )

    def _record(self, ev: Evaluation, phase: str) -> None:
        guardrail = ev.guardrail
        threshold = guardrail_threshold(guardrail)
        band = {
            k: v
            for k, v in (("min", threshold.minimum), ("max", threshold.maximum))
            if v is not None
        }
        self.core.log.guardrail(
            self.step,
            name=guardrail.name,
            value=ev.value,
            metrics=ev.metrics,
            breached=ev.latest_breaching,
            threshold=band,
            expr=guardrail.condition.expr
            if isinstance(guardrail.condition, ExprCondition)
            else None,
            consecutive=ev.run,
            needed=guardrail.consecutive,
            on_breach=str(guardrail.on_breach),
            phase=phase,
            metric_time=ev.metric_time.isoformat() if ev.metric_time else None,
            decision=ev.decision,
        )

    def _tell_no_data(self, evaluations: list[Evaluation]) -> None:
        # `ignore` is the runbook's choice, but a guardrail that never sees data must not look
        # healthy: say so once.
        for ev in evaluations:
            name = ev.guardrail.name
            if (
                ev.guardrail.missing_data is MissingData.IGNORE
                and ev.value is None
                and ev.missing_run >= ev.guardrail.consecutive
                and name not in self._told_no_data
            ):
                self._told_no_data.add(name)
                self.core.notice(
                    f"guardrail {name!r} has had no data for {ev.missing_run} periods "
                    "(missing_data: ignore): it cannot see a breach",
                    "warn",
                    self.step,
                )

    def act(self, ev: Evaluation) -> None:
        """Take a triggered guardrail's decision: a notice, a BREACH or a PAUSE question."""
        core, guardrail = self.core, ev.guardrail
        text = _evidence_text(ev)
        evidence = {"guardrail": guardrail.name, "value": ev.value, "run": ev.run}
        if ev.decision == "warn":
            core.notice(f"guardrail warning: {text}", "warn", self.step)
            self.watch.acknowledge(ev, core.now())
            return
        if ev.decision == "rollback":
            timeout = guardrail.confirm_timeout or core.options.confirm_timeout
            deadline = core.now() + timedelta(seconds=float(timeout))
            answer = core.ask(questions.breach(self.step, text, deadline, evidence))
            if answer.choice == questions.OVERRIDE:
                core.notice(f"breach overridden by {answer.who}: {answer.text}", "warn", self.step)
                self.watch.acknowledge(ev, core.now())
                return
            trigger = "timeout" if answer.timed_out else "guardrail"
            raise RollbackNeeded(trigger, f"guardrail {guardrail.name}: {text}", self.step)
        title = (
            f"No data for guardrail {guardrail.name}"
            if ev.no_data
            else f"Guardrail {guardrail.name} breached: paused"
        )
        answer = core.ask(questions.pause(self.step, title, text, evidence))
        if answer.choice == questions.CONTINUE:
            core.notice(f"continuing past {guardrail.name} ({answer.who}: {answer.text})", "warn")
            self.watch.acknowledge(ev, core.now())
            return
        if answer.choice == questions.ROLLBACK:
            raise RollbackNeeded("guardrail", f"guardrail {guardrail.name}: {text}", self.step)
        raise Stop(ExitCode.INTERRUPTED, f"paused on guardrail {guardrail.name}: {text}")


def _evidence_text(ev: Evaluation) -> str:
    """What the guardrail saw, and (when the runbook says) why it matters."""
    text = _seen_text(ev)
    why = ev.guardrail.description
    return f"{text}. Why it matters: {why}" if why else text


def _seen_text(ev: Evaluation) -> str:
    guardrail = ev.guardrail
    band = threshold_text(guardrail_threshold(guardrail))
    what = condition_text(guardrail.condition)
    if ev.no_data:
        return f"{guardrail.name}: no data for {ev.missing_run} periods ({what})"
    value = "no data" if ev.value is None else value_text(ev.value)
    if ev.missing_run and guardrail.missing_data is MissingData.BREACH:
        # The run ends in periods with no data, which the runbook counts as a breach: the last
        # value seen may well be healthy, so naming it alone would misstate why.
        return (
            f"{guardrail.name} has had no data for {ev.missing_run} periods (missing_data: "
            f"breach; last value {value}, must be {band}), out of band {ev.run} periods in a "
            f"row (for: {guardrail.consecutive}); {what}"
        )
    return (
        f"{guardrail.name} is {value} (must be {band}), out of band {ev.run} periods in a row "
        f"(for: {guardrail.consecutive}); {what}"
    )


def _reading(step: str, ev: Evaluation) -> events.GuardrailReading:
    threshold = guardrail_threshold(ev.guardrail)
    return events.GuardrailReading(
        step=step,
        name=ev.guardrail.name,
        value=ev.value,
        minimum=threshold.minimum,
        maximum=threshold.maximum,
        breaches=ev.run,
        needed=ev.guardrail.consecutive,
        severity=str(ev.guardrail.on_breach),
        points=ev.points,
        breached=ev.decision is not None,
        missing=ev.value is None,
    )
