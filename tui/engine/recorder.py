"""The `CallRecorder` the AWS adapters report to: every call as `api.intent` (durable before the
call is sent) and `api.result`, tagged with the step the engine is running.

The commands build one per session and hand it to `ClientFactory(recorder=...)`; the engine
tags it (`with recorder.tag(step, rollback=...)`) around whatever it asks of the Cloud.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from tui.audit.record import Record
from tui.audit.session_log import SessionLog

# An operation is read-only when its name says so; everything else may change AWS and is
# therefore what a resumed session must look at before sending again.
# (iam:SimulatePrincipalPolicy, the preflight's, evaluates policies and changes nothing.)
READ_PREFIXES = (
    "Describe",
    "Get",
    "List",
    "Search",
    "Lookup",
    "Head",
    "Check",
    "Test",
    "Simulate",
)


def is_mutating(operation: str) -> bool:
    """Whether an AWS API operation may change something (`ModifyListener` yes,
    `DescribeListeners` no)."""
    return not operation.startswith(READ_PREFIXES)


class SessionCallRecorder:
    """Writes the adapters' calls to the session log, tagged with the current step."""

    def __init__(self, log: SessionLog) -> None:
        self.log = log
        self._lock = threading.Lock()
        self._local = threading.local()
        self._intents: dict[int, Record] = {}
        self.counts: dict[str, int] = {}
        """How many times each `service.Operation` was called (for debriefs and tests)."""

    @property
    def step(self) -> str | None:
        """The step calls are attributed to on this thread."""
        return getattr(self._local, "step", None)

    @property
    def rollback(self) -> bool:
        """Whether calls on this thread are a rollback's."""
        return getattr(self._local, "rollback", False)

    @contextlib.contextmanager
    def tag(self, step: str | None, *, rollback: bool = False) -> Iterator[None]:
        """Attribute calls made inside the block (on this thread) to `step`."""
        before = (self.step, self.rollback)
        self._local.step, self._local.rollback = step, rollback
        try:
            yield
        finally:
            self._local.step, self._local.rollback = before

    def intent(self, service: str, operation: str, params: Mapping[str, Any]) -> int:
        """Record the call durably before it is sent; return the token for its result."""
        record = self.log.api_intent(
            self.step,
            service=service,
            operation=operation,
            params=params,
            mutating=is_mutating(operation),
            rollback=self.rollback,
        )
        with self._lock:
            self._intents[record.seq] = record
            name = f"{service}.{operation}"
            self.counts[name] = self.counts.get(name, 0) + 1
        return record.seq

    def result(
        self,
        token: int,
        *,
        ok: bool,
        duration: float,
        request_id: str | None = None,
        error: str | None = None,
        attempts: int = 1,
        retry_s: float = 0.0,
    ) -> None:
        """Record how the call ended (with the SDK's attempts and what its retries cost)."""
        with self._lock:
            intent = self._intents.pop(token, None)
        if intent is None:
            return
        code, _, message = (error or "").partition(": ")
        self.log.api_result(
            intent,
            ok=ok,
            request_id=request_id,
            error_code=(code or None) if not ok else None,
            error_message=(message or error) if not ok else None,
            duration_s=round(duration, 6),
            attempts=attempts,
            retry_s=round(retry_s, 6),
        )
