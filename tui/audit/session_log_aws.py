"""The AWS half of `SessionLog`: API call intents and results, undo data, rollback.

Mixed into `SessionLog` (session_log.py), which provides `_append` and `_since`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.audit.events import Event
from tui.audit.record import Record


class AwsRecords:
    """Typed records for what turnout does to AWS."""

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        raise NotImplementedError

    def _since(self, record: Record) -> float:
        raise NotImplementedError

    # -- AWS ---------------------------------------------------------------------------------

    def api_intent(
        self,
        step: str | None,
        *,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        mutating: bool = True,
        rollback: bool = False,
    ) -> Record:
        """Written and synced *before* an AWS call: if the process dies after this and before
        `api_result`, the resumed engine knows the call may have reached AWS."""
        return self._append(
            Event.API_INTENT,
            {
                "step": step,
                "service": service,
                "operation": operation,
                "params": dict(params),
                "mutating": mutating,
                "rollback": rollback,
            },
        )

    def api_result(
        self,
        intent: Record,
        *,
        ok: bool,
        request_id: str | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        response: Mapping[str, Any] | None = None,
        duration_s: float | None = None,
        attempts: int | None = None,
        retry_s: float | None = None,
    ) -> Record:
        """Written after the call returns or fails: outcome, AWS request id, the duration, and
        (from the call recorder) the SDK's `attempts` and `retry_s`, the part of the duration
        its retries cost: a throttled call shows `attempts: 4, retry_s: 2.7`."""
        retried = {} if attempts is None else {"attempts": attempts, "retry_s": retry_s or 0.0}
        return self._append(
            Event.API_RESULT,
            {
                **retried,
                "intent_seq": intent.seq,
                "step": intent.payload.get("step"),
                "service": intent.payload.get("service"),
                "operation": intent.payload.get("operation"),
                "outcome": "ok" if ok else "error",
                "request_id": request_id,
                "error_code": error_code,
                "error_message": error_message,
                "response": dict(response or {}),
                "duration_s": self._since(intent) if duration_s is None else duration_s,
            },
        )

    def undo_captured(self, step: str, *, action: str, data: Mapping[str, Any]) -> Record:
        """What `step` needs to undo itself (old weights, old template version), written before
        its mutation so a rollback after a crash can still use it."""
        return self._append(
            Event.UNDO_CAPTURED, {"step": step, "action": action, "data": dict(data)}
        )

    # -- rollback ----------------------------------------------------------------------------

    def rollback_start(
        self, *, trigger: str, reason: str, plan: Sequence[str], step: str | None = None
    ) -> Record:
        """Rollback begins. `trigger`: guardrail, operator, failure, timeout; `plan` the steps to
        undo, in order."""
        return self._append(
            Event.ROLLBACK_START,
            {
                "trigger": trigger,
                "reason": reason,
                "step": step,
                "plan": list(plan),
            },
        )

    def rollback_step(self, step: str, *, ok: bool, error: str | None = None) -> Record:
        """One step undone (or not)."""
        return self._append(
            Event.ROLLBACK_STEP,
            {
                "step": step,
                "outcome": "ok" if ok else "error",
                "error": error,
            },
        )

    def rollback_end(self, *, ok: bool, error: str | None = None) -> Record:
        """Rollback finished; not ok means the operator has something left to do."""
        return self._append(
            Event.ROLLBACK_END,
            {
                "outcome": "completed" if ok else "failed",
                "error": error,
            },
        )
