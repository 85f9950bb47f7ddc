"""The webhook half of `SessionLog`: each notification delivered, each failed attempt, and
those dropped unsent (docs/audit.md, docs/notify.md).

Mixed into `SessionLog` (session_log.py), which provides `_append`. Written by the notifier's
sender thread (tui/notify/sender.py; the writer is thread-safe), and never after
`session.end`: the sender stops writing before the engine writes its last record, so the hash
printed at the end is still the log's last. `target` is the webhook as shown to people
(`https://hooks.slack.com/••••••`): a webhook's path is its secret and is never written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.audit.events import Event
from tui.audit.record import Record


class NotifyRecords:
    """Typed records for the notifications a session sends."""

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        raise NotImplementedError

    def notify_sent(
        self, *, event: str, target: str, fmt: str, attempt: int, status: int, duration_s: float
    ) -> Record:
        """The webhook answered `status` (2xx) to notification `event`, at try `attempt`."""
        return self._append(
            Event.NOTIFY_SENT,
            {
                "event": event,
                "target": target,
                "format": fmt,
                "attempt": attempt,
                "status": status,
                "duration_s": round(duration_s, 6),
            },
        )

    def notify_failed(
        self,
        *,
        event: str,
        target: str,
        fmt: str,
        attempt: int,
        error: str,
        retry_in_s: float | None,
    ) -> Record:
        """Try `attempt` failed with `error` (an HTTP status, a refusal, a timeout); tried again
        in `retry_in_s`, or given up on when None."""
        return self._append(
            Event.NOTIFY_FAILED,
            {
                "event": event,
                "target": target,
                "format": fmt,
                "attempt": attempt,
                "error": error,
                "retry_in_s": retry_in_s,
                "gave_up": retry_in_s is None,
            },
        )

    def notify_dropped(self, *, events: Sequence[str], reason: str) -> Record:
        """Notifications never sent: the queue was full (the oldest give way) or the session
        ended before they could go."""
        return self._append(
            Event.NOTIFY_DROPPED, {"count": len(events), "events": list(events), "reason": reason}
        )
