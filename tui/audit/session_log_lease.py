"""The lease half of `SessionLog`: leases taken, refused, broken and released (docs/audit.md).

Mixed into `SessionLog` (session_log.py), which provides `_append`. Holder records are the
flat mappings of tui/audit/leases.py, written as they were read from the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.audit.events import Event
from tui.audit.record import Record


class LeaseRecords:
    """Typed records for the leases a session holds on what it changes."""

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        raise NotImplementedError

    def lease_taken(
        self, *, store: str, local_only: bool, leases: Sequence[Mapping[str, Any]]
    ) -> Record:
        """Every lease the session needs is held (`leases`: lease_key, resource, steps,
        expires_at); written before the first change."""
        return self._append(
            Event.LEASE_TAKEN,
            {"store": store, "local_only": local_only, "leases": [dict(x) for x in leases]},
        )

    def lease_refused(self, *, store: str, held: Sequence[Mapping[str, Any]], text: str) -> Record:
        """Another session holds some of them (`held`: each holder's record): nothing changed,
        and the leases this session had taken meanwhile were given back."""
        return self._append(
            Event.LEASE_REFUSED, {"store": store, "held": [dict(h) for h in held], "text": text}
        )

    def lease_broken(
        self, *, store: str, lease_key: str, previous_holder: Mapping[str, Any], who: str
    ) -> Record:
        """`--break-lease` deleted another session's lease; `previous_holder` was its record."""
        return self._append(
            Event.LEASE_BROKEN,
            {"store": store, "lease_key": lease_key, "previous_holder": dict(previous_holder)},
            who,
        )

    def lease_released(
        self, *, store: str, lease_keys: Sequence[str], lost: Sequence[str] = ()
    ) -> Record:
        """The session gave its leases back (at its end, whatever the exit); `lost` are those
        another session had broken meanwhile (found when renewing)."""
        return self._append(
            Event.LEASE_RELEASED,
            {"store": store, "lease_keys": list(lease_keys), "lost": list(lost)},
        )
