"""The four-eyes half of `SessionLog`: approvals requested, given, denied, refused and ended
(docs/audit.md; how a decision reaches the session: approval_inbox.py).

Mixed into `SessionLog` (session_log.py), which provides `_append`. A given or denied approval
is written with the approver as actor; the request, a refusal and the end with `turnout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.audit.events import Event
from tui.audit.record import Record


class ApprovalRecords:
    """Typed records for a second person's approval."""

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        raise NotImplementedError

    def approval_requested(
        self,
        step: str | None,
        *,
        kind: str,
        shown: str,
        evidence: Mapping[str, Any],
        required: int,
        approvers: Sequence[str],
        operator: Mapping[str, Any],
        timeout_s: float,
        deadline: str,
        answer_seq: int,
    ) -> Record:
        """The session waits for `required` people other than `operator` (arn, os_user) to
        approve what the operator was shown (`shown`, `evidence`) and accepted (the
        `confirm.answer` at `answer_seq`); `approvers`: the runbook's `from`."""
        return self._append(
            Event.APPROVAL_REQUESTED,
            {
                "step": step,
                "kind": kind,
                "shown": shown,
                "evidence": dict(evidence),
                "required": required,
                "from": list(approvers),
                "operator": dict(operator),
                "timeout_s": timeout_s,
                "deadline": deadline,
                "answer_seq": answer_seq,
            },
        )

    def approval_decided(
        self,
        request: Record,
        *,
        approved: bool,
        approver: Mapping[str, Any],
        reason: str,
        file: str,
        who: str,
    ) -> Record:
        """`approval.given` or `approval.denied`, with the approver (`who`) as actor."""
        return self._append(
            Event.APPROVAL_GIVEN if approved else Event.APPROVAL_DENIED,
            {
                "request_seq": request.seq,
                "step": request.payload.get("step"),
                "approver": dict(approver),
                "reason": reason,
                "file": file,
            },
            who,
        )

    def approval_refused(
        self, request: Record | None, *, file: str, approver: Mapping[str, Any], why: str
    ) -> Record:
        """A decision file that cannot count (self-approval, not in `from`, another request,
        unreadable): recorded, and the session goes on waiting."""
        return self._append(
            Event.APPROVAL_REFUSED,
            {
                "request_seq": request.seq if request is not None else None,
                "file": file,
                "approver": dict(approver),
                "why": why,
            },
        )

    def approval_ended(
        self, request: Record, *, outcome: str, approvers: Sequence[str], detail: str = ""
    ) -> Record:
        """The wait is over: `approved`, `denied`, `timeout` or `withdrawn` (the session went
        elsewhere meanwhile: a pause, a rollback); `approvers`: who approved."""
        return self._append(
            Event.APPROVAL_ENDED,
            {
                "request_seq": request.seq,
                "step": request.payload.get("step"),
                "outcome": outcome,
                "approvers": list(approvers),
                "detail": detail,
            },
        )
