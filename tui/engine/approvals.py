"""Four-eyes approval: after the operator says yes to a step that needs it (or overrides a
precondition or a guardrail under the runbook's rule), the session waits for other people to
approve with `turnout approve` from their own terminal, guardrails still watched.

Which answers need it (`rule_for`): a step's own `approvals` covers its confirmation; the
runbook's covers every irreversible step's confirmation and every override (a failed
precondition overridden, a breach kept going past, a pause continued). A step's own rule wins
over the runbook's for that step's overrides too.

The wait (`ApprovalGate.wait`) runs on the engine's thread and so writes the log itself: it
records `approval.requested` (the question's text and evidence exactly as the operator saw
them, and who the operator is), then reads the decisions `turnout approve` delivers
(tui/audit/approval_inbox.py says why a file and not a second writer), judges each one and
chains the verdict: `approval.given` / `approval.denied` with the approver as actor, or
`approval.refused` (the operator approving themselves, someone outside `from`, a decision for
another request). Meanwhile it polls the watch in force every poll interval (a guardrail that
triggers asks its own question, as it would while any question waits), and answers Ctrl-C, a
rollback request and a pause at once. `--auto-approve` never reaches it: approvals are read
from the inbox, never asked of the front end.

A denial or the timeout turns the operator's yes into the question's "no" (`DENIED_MEANS`):
not now (stop, resumable) for a confirmation, stop for a precondition, roll back for a breach,
pause for a pause. Each caller then does exactly what that "no" does.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tui.audit.approval_inbox import APPROVE, Decision, Inbox
from tui.audit.canonical import format_ts
from tui.audit.record import Record
from tui.engine import events, questions
from tui.engine.outcome import RollbackNeeded, Stop
from tui.engine.ports import Answer, Question, QuestionKind, StepState
from tui.runbook.model import Approvals, Runbook, Step

if TYPE_CHECKING:
    from tui.engine.core import Core

SLICE_S = 0.05
"""Real seconds between looks at the inbox and the engine clock while approvals are awaited."""

ACCEPTED = {
    QuestionKind.CONFIRM: questions.YES,
    QuestionKind.TYPED: questions.YES,
    QuestionKind.PRECONDITION: questions.OVERRIDE,
    QuestionKind.BREACH: questions.OVERRIDE,
    QuestionKind.PAUSE: questions.CONTINUE,
}
"""The answers that can need approval: a confirmation's yes, and every override."""
DENIED_MEANS = {
    QuestionKind.CONFIRM: questions.NO,
    QuestionKind.TYPED: questions.NO,
    QuestionKind.PRECONDITION: questions.STOP,
    QuestionKind.BREACH: questions.ROLLBACK,
    QuestionKind.PAUSE: questions.PAUSE,
}
"""What a denied (or unapproved in time) answer becomes: the question's own "no"."""


def rule_for(runbook: Runbook, question: Question, answer: Answer) -> Approvals | None:
    """The approvals `answer` to `question` needs before it takes effect, if any."""
    if answer.timed_out or question.step is None or ACCEPTED.get(question.kind) != answer.choice:
        return None
    try:
        step = runbook.step(question.step)
    except KeyError:
        return None
    if question.kind in (QuestionKind.CONFIRM, QuestionKind.TYPED):
        return confirmation_rule(runbook, step)
    return step.approvals or runbook.approvals


def confirmation_rule(runbook: Runbook, step: Step) -> Approvals | None:
    """The approvals a yes to `step`'s confirmation needs: its own, or the runbook's for an
    irreversible step."""
    return step.approvals or (runbook.approvals if step.irreversible else None)


def told_before(rule: Approvals | None) -> str:
    """What a confirmation adds so the operator knows a yes is not the last word."""
    if rule is None:
        return ""
    who = f" ({', '.join(rule.approvers)})" if rule.approvers else ""
    return (
        f"\n\nThen {rule.required} other person(s){who} must approve with `turnout approve` "
        f'within {rule.timeout}; a denial or no approval in time is a "not now".'
    )


def last_part(arn: str) -> str:
    """`alice` of `arn:aws:sts::123456789012:assumed-role/ops/alice` or `...:user/alice`."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


def self_approval(approver: Mapping[str, Any], operator: Mapping[str, Any]) -> str | None:
    """Why `approver` is the operator (the same AWS principal, or the same OS user on the same
    host), or None. Two engineers sharing one role are told apart by their role session
    names, which are part of the ARN."""
    arn, user = approver.get("arn"), approver.get("os_user")
    if arn and arn == operator.get("arn"):
        return f"{arn} is the operator's own AWS identity: nobody approves their own change"
    if user and user == operator.get("os_user") and approver.get("host") == operator.get("host"):
        return f"{user} on {approver.get('host')} is the operator: nobody approves their own change"
    return None


def allowed(approver: Mapping[str, Any], patterns: tuple[str, ...]) -> bool:
    """Whether `approver` is one of `patterns` (empty: anyone)."""
    if not patterns:
        return True
    arn = str(approver.get("arn") or "")
    names = {str(approver.get("os_user") or ""), last_part(arn)} - {""}
    for pattern in patterns:
        if pattern.startswith("arn:"):
            if arn and fnmatch.fnmatchcase(arn, pattern):
                return True
        elif any(fnmatch.fnmatchcase(name, pattern) for name in names):
            return True
    return False


def approver_name(approver: Mapping[str, Any]) -> str:
    """`bob (arn:aws:sts::…:assumed-role/ops/bob)`: the actor of an approval record."""
    return f"{approver.get('os_user') or '?'} ({approver.get('arn') or 'no AWS identity'})"


@dataclass(frozen=True)
class Verdict:
    """How a wait ended: `outcome` approved, denied or timeout; who decided, and why."""

    outcome: str
    who: str
    reason: str = ""
    approvers: tuple[str, ...] = ()


class ApprovalGate:
    """The session's four-eyes wait (see the module docstring)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.inbox = Inbox(core.log.path.parent)

    def operator(self) -> dict[str, Any]:
        """Who the operator is, as `approval.requested` records it."""
        core = self.core
        ident = core.identity
        return {
            "arn": ident.arn if ident else None,
            "account": ident.account if ident else None,
            "os_user": core.log.operator,
            "host": core.host,
        }

    def after(self, question: Question, answer: Answer, answered: Record) -> Answer:
        """`answer`, once approved as its rule requires; its "no" when denied or not in time."""
        rule = rule_for(self.core.runbook, question, answer)
        if rule is None:
            return answer
        verdict = self.wait(rule, question, answered)
        if verdict.outcome == "approved":
            return answer
        meant = DENIED_MEANS[question.kind]
        text = (
            f"denied by {verdict.who}: {verdict.reason}"
            if verdict.outcome == "denied"
            else f"no approval within {rule.timeout}"
        )
        self.core.notice(f"{question.title}: {text}; taken as {meant!r}", "warn", question.step)
        return Answer(
            meant, verdict.who, text=text, timed_out=verdict.outcome == "timeout", unapproved=text
        )

    def wait(self, rule: Approvals, question: Question, answered: Record) -> Verdict:
        """Wait for `rule.required` approvals of what `question` showed (module docstring)."""
        core = self.core
        deadline = core.now() + timedelta(seconds=float(rule.timeout))
        if question.deadline is not None:  # a breach's countdown is not stretched by asking
            deadline = min(deadline, question.deadline)
        operator = self.operator()
        # Due from the moment of asking, before anyone can read the request and act on it.
        next_poll = core.now() + timedelta(seconds=core.options.poll)
        request = core.log.approval_requested(
            question.step,
            kind=str(question.kind),
            shown=f"{question.title}\n\n{question.body}".strip(),
            evidence=question.evidence,
            required=rule.required,
            approvers=rule.approvers,
            operator=operator,
            timeout_s=round((deadline - core.now()).total_seconds(), 3),
            deadline=format_ts(deadline),
            answer_seq=answered.seq,
        )
        where = core.log.path.parent.resolve()  # the approver is in another directory
        command = f"turnout approve {where}" + (f" --step {question.step}" if question.step else "")
        who = f" from {', '.join(rule.approvers)}" if rule.approvers else ""
        core.notice(
            f"waiting for {rule.required} approval(s){who} until {deadline:%H:%M:%S} UTC: another "
            f"person runs `{command}`",
            "warn",
            question.step,
        )
        if question.step:
            core.state(question.step, StepState.WAITING, f"waiting for approval: {command}")
        core.notify(
            events.ApprovalWaiting(question.step, rule.required, rule.approvers, deadline, command)
        )
        approvers: list[str] = []
        idle = threading.Event()
        try:
            while True:
                for decision in self.inbox.new(request.seq):
                    verdict = self._judge(decision, request, operator, rule, approvers)
                    if verdict is not None:
                        return self._end(request, verdict)
                if core.now() >= deadline:
                    who = "turnout (no approval in time)"
                    return self._end(request, Verdict("timeout", who, "", tuple(approvers)))
                if core.controls.pending:
                    core.safe_point(question.step)  # Ctrl-C, a rollback request, a pause
                if core.watching is not None and core.now() >= next_poll:
                    next_poll = core.now() + timedelta(seconds=core.options.poll)
                    # As while the question itself waits: for a confirmation a pause or
                    # rollback trigger asks its own question; for a breach's override (the
                    # guardrail not yet acknowledged) later polls only show and record.
                    trip = core.watching.poll_while_asking(question.kind)
                    if trip is not None:
                        core.watching.act(trip)  # its own question; may roll back or stop
                idle.wait(SLICE_S)
        except (RollbackNeeded, Stop) as cut:
            core.log.approval_ended(
                request, outcome="withdrawn", approvers=approvers, detail=str(cut)
            )
            core.notify(events.ApprovalEnded(question.step, "withdrawn"))
            raise

    def _judge(
        self,
        decision: Decision,
        request: Record,
        operator: Mapping[str, Any],
        rule: Approvals,
        approvers: list[str],
    ) -> Verdict | None:
        """Record one decision; the verdict when it settles the wait."""
        log, approver = self.core.log, decision.approver
        why = decision.problem
        if why is None and decision.request_hash != request.hash:
            why = "it names another request (not the one the session is waiting on)"
        why = why or self_approval(approver, operator)
        if why is None and not allowed(approver, rule.approvers):
            why = f"{approver_name(approver)} is not one of {', '.join(rule.approvers)}"
        name = approver_name(approver)
        if why is None and name in approvers:
            why = f"{name} has already approved: {rule.required} different people are needed"
        if why is not None:
            log.approval_refused(request, file=decision.file, approver=approver, why=why)
            self.core.notice(f"an approval was not counted: {why}", "warn", request.payload["step"])
            return None
        approved = decision.decision == APPROVE
        log.approval_decided(
            request,
            approved=approved,
            approver=approver,
            reason=decision.reason,
            file=decision.file,
            who=name,
        )
        if not approved:
            return Verdict("denied", name, decision.reason or "no reason given", tuple(approvers))
        approvers.append(name)
        self.core.notice(
            f"approved by {name} ({len(approvers)} of {rule.required})",
            "info",
            request.payload["step"],
        )
        if len(approvers) >= rule.required:
            return Verdict("approved", ", ".join(approvers), decision.reason, tuple(approvers))
        return None

    def _end(self, request: Record, verdict: Verdict) -> Verdict:
        self.core.log.approval_ended(
            request,
            outcome=verdict.outcome,
            approvers=verdict.approvers,
            detail=verdict.reason,
        )
        step = request.payload.get("step")
        self.core.notify(events.ApprovalEnded(step, verdict.outcome, verdict.who))
        return verdict
