"""The webhooks as one more listener on the engine: `NotifyingOperator` wraps the front end's
operator, hears every event and question on their way to it, and hands the sender a `Message`
for each one a webhook can hear. It adds nothing to the engine's path but a queue append.

Which engine event becomes which notification (docs/notify.md):
- a question asked (`Operator.ask`) -> `question.waiting`, with its deadline and default;
- a guardrail reading that triggers (`GuardrailsPolled`) -> `guardrail.warn` for a `warn`
  guardrail, `guardrail.breach` for `pause` and `rollback` ones (once per trigger);
- `RollbackChanged` started -> `rollback.started`; verified, or a failed verification ->
  `rollback.finished` (a rollback whose undo failed ends with the session: told then);
- `SessionEnding` -> `session.end` with the outcome, then the sender's bounded `finish`, so the
  delivery records are in the log before `session.end`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.clock import Clock
from tui.engine import events
from tui.engine.ports import Answer, Operator, PassingOn, Question
from tui.exitcodes import outcome_words
from tui.notify.messages import Context, Message
from tui.notify.sender import Sender
from tui.runbook.describe import threshold_text, value_text
from tui.runbook.model import Threshold

APPROVAL_EVENT_NAMES = ("ApprovalWaiting",)
"""The engine event that means the session waits for other people's approval (four-eyes
approval, issue 18: `step`, `required`, `approvers`, `deadline`, `command`), told as
`approval.needed`. Matched by name and read by attribute, so this works before and after the
approvals land on main (then: an `isinstance` on `events.ApprovalWaiting`)."""


def _utc(at: datetime | None) -> str:
    return at.strftime("%H:%M:%S UTC") if at is not None else "no deadline"


class NotifyingOperator(PassingOn):
    """`inner`, with what webhooks hear handed to `sender` first (the engine's `withdraw` is
    passed on: `PassingOn`)."""

    def __init__(self, inner: Operator, sender: Sender, clock: Clock) -> None:
        super().__init__(inner)
        self.sender, self.clock = sender, clock
        self.context = Context()
        self._triggered: set[tuple[str, str]] = set()
        self._rolling_back = False
        self._undo_failures: list[str] = []

    def notify(self, event: Any) -> None:
        self.inner.notify(event)
        try:
            for message in self._messages(event):
                self.sender.submit(message)
        except Exception as exc:  # a notification never breaks the session: the log says so
            self.sender.unmade(type(event).__name__, exc)
        if isinstance(event, events.SessionEnding):
            self.sender.finish()

    def ask(self, question: Question) -> Answer:
        try:
            self.sender.submit(self._question(question))
        except Exception as exc:  # as in `notify`
            self.sender.unmade(str(question.kind), exc)
        return self.inner.ask(question)

    # -- engine events -> messages -----------------------------------------------------------

    def _message(self, event: str, text: str, **details: Any) -> Message:
        return Message(event, text, self.clock.now(), self.context, details)

    def _messages(self, event: Any) -> list[Message]:
        if isinstance(event, events.SessionStarted):
            self.context = Context.of(
                event.runbook, event.title, event.session_dir, event.rehearsal, event.identity.arn
            )
            return []
        if isinstance(event, events.GuardrailsPolled):
            return [m for r in event.readings if (m := self._reading(r)) is not None]
        if isinstance(event, events.RollbackChanged):
            return self._rollback(event)
        if isinstance(event, events.SessionEnding):
            return self._ending(event)
        if type(event).__name__ in APPROVAL_EVENT_NAMES:
            return [self._approval(event)]
        return []

    def _question(self, q: Question) -> Message:
        step = f" (step {q.step})" if q.step else ""
        if q.deadline is not None and q.default:
            choice = q.choice(q.default)
            label = choice.label if choice else q.default
            when = f'if nobody answers by {_utc(q.deadline)}, "{label}" is chosen by itself'
        else:
            when = "it waits for an answer"
        return self._message(
            "question.waiting",
            f"a question waits for the operator{step}: {q.title}; {when}",
            kind=str(q.kind),
            title=q.title,
            step=q.step,
            deadline=q.deadline.isoformat() if q.deadline else None,
            default=q.default,
            choices=[c.key for c in q.choices],
        )

    def _reading(self, r: events.GuardrailReading) -> Message | None:
        key = (r.step, r.name)
        if not r.breached:
            self._triggered.discard(key)
            return None
        if key in self._triggered:
            return None
        self._triggered.add(key)
        warn = r.severity == "warn"
        band = threshold_text(Threshold(r.minimum, r.maximum))
        what = "warning" if warn else f"breached ({r.severity})"
        value = "no data" if r.value is None else value_text(r.value)  # as the screen rounds it
        return self._message(
            "guardrail.warn" if warn else "guardrail.breach",
            f"guardrail *{r.name}* {what} during step {r.step}: {value} (must be {band}), "
            f"out of band {r.breaches} periods in a row (for: {r.needed})",
            step=r.step,
            guardrail=r.name,
            value=r.value,
            minimum=r.minimum,
            maximum=r.maximum,
            severity=r.severity,
            periods=r.breaches,
            needed=r.needed,
        )

    def _rollback(self, e: events.RollbackChanged) -> list[Message]:
        if e.phase == "started":
            self._rolling_back, self._undo_failures = True, []
            return [self._message("rollback.started", e.text, step=e.step, reason=e.text)]
        if e.phase == "failed" and e.step is not None:
            self._undo_failures.append(e.text)  # one undo failed; the rollback goes on
            return []
        if e.phase in ("verified", "failed") and self._rolling_back:
            self._rolling_back = False
            ok = e.phase == "verified"
            word = "rollback finished and verified" if ok else "rollback finished, NOT healthy"
            return [self._message("rollback.finished", f"{word}: {e.text}", ok=ok, why=e.text)]
        return []

    def _ending(self, e: events.SessionEnding) -> list[Message]:
        out = []
        if self._rolling_back:
            self._rolling_back = False
            failed = "; ".join(self._undo_failures) or e.reason
            out.append(
                self._message(
                    "rollback.finished", f"rollback INCOMPLETE: {failed}", ok=False, why=failed
                )
            )
        state = "; ".join(e.aws_state)
        text = f"session ended: {outcome_words(e.outcome)} (exit {e.exit_code})"
        if e.reason:
            text += f": {e.reason}"
        if state:
            text += f". AWS now: {state}"
        out.append(
            self._message(
                "session.end",
                text,
                outcome=e.outcome,
                exit_code=e.exit_code,
                reason=e.reason,
                aws_state=list(e.aws_state),
            )
        )
        return out

    def _approval(self, event: Any) -> Message:
        step = getattr(event, "step", None)
        required = getattr(event, "required", 1)
        approvers = ", ".join(getattr(event, "approvers", ()) or ()) or "anyone but the operator"
        deadline = getattr(event, "deadline", None)
        command = getattr(event, "command", "") or "turnout approve SESSION"
        where = f" for step {step}" if step else ""
        return self._message(
            "approval.needed",
            f"an approval is needed{where}: {required} of ({approvers}), by {_utc(deadline)}; "
            f"approve with `{command}` (chat cannot approve)",
            step=step,
            required=required,
            approvers=list(getattr(event, "approvers", ()) or ()),
            deadline=deadline.isoformat() if deadline else None,
            command=command,
        )


def notifying(operator: Operator, sender: Sender | None, clock: Clock) -> Operator:
    """`operator` behind the webhooks, or as it is when the session tells none."""
    return operator if sender is None else NotifyingOperator(operator, sender, clock)
