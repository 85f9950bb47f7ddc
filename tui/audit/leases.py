"""The `LeaseStore` port: where a session's leases on the resources it changes are kept. Pure.

Two implementations: DynamoDB (tui/aws/leases.py, visible to every machine using the account:
an item per lease key written with a condition expression, as Terraform's state lock does) and
files in the sessions directory (tui/audit/leases_local.py, this machine only). The engine's
side (taking every lease or none, renewing, releasing, recording) is tui/engine/leasing.py.

A lease key is `<account>/<region>/<resource>` (tui/runbook/mutates.py names the resources).
A holder record is a flat mapping, the same fields in every store and in the audit log:

    lease_key, who (OS user), arn (STS caller), host, pid, since (UTC ISO-8601),
    session_id (the session directory's name), session_dir, runbook, expires_at (Unix seconds)

`session_id` is the holder's identity: the same session (a `turnout resume`) retakes its own
lease; a different one is refused, even on the same host by the same person.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

HolderRecord = Mapping[str, Any]

HOLDER_FIELDS = (
    "lease_key",
    "who",
    "arn",
    "host",
    "pid",
    "since",
    "session_id",
    "session_dir",
    "runbook",
    "expires_at",
)


class LeaseStore(Protocol):
    """Leases, one per key. Every method may raise a `TurnoutError` naming the store."""

    where: str
    """Where the leases are kept, for messages: `DynamoDB table turnout-leases (us-east-1)`."""
    local_only: bool
    """True when only sessions on this machine (this sessions directory) can see the leases."""

    def take(self, holder: HolderRecord) -> HolderRecord | None:
        """Write `holder`'s lease on `holder["lease_key"]` unless another session holds it.
        None when taken (or already held by the same `session_id`: then it is renewed);
        otherwise the current holder's record, and nothing is written."""
        ...

    def renew(self, key: str, session_id: str, expires_at: float) -> bool:
        """Move the expiry of `session_id`'s lease on `key`; False if it is no longer ours."""
        ...

    def release(self, key: str, session_id: str) -> None:
        """Delete the lease on `key` if `session_id` holds it (a no-op otherwise)."""
        ...

    def break_lease(self, key: str, session_id: str) -> bool:
        """Delete the lease on `key` held by the other session `session_id` (as seen in the
        refusal); False if by now someone else holds it or nobody does."""
        ...


def utc_text(unix_seconds: float) -> str:
    """`2026-12-07 06:30:12 UTC`, as a refusal prints a time."""
    return datetime.fromtimestamp(float(unix_seconds), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def describe_holder(holder: HolderRecord, now: float) -> str:
    """One line naming who holds a lease, where, since when, in which session, and whether
    it is being renewed (live) or not any more (stale: its session probably died)."""
    expires = float(holder.get("expires_at") or 0)
    state = (
        f"expires {utc_text(expires)} unless its session renews it"
        if expires > now
        else f"STALE: not renewed, expired {utc_text(expires)}"
    )
    return (
        f"held by {holder.get('who', '?')} ({holder.get('arn', '?')}) on {holder.get('host', '?')}"
        f" pid {holder.get('pid', '?')} since {holder.get('since', '?')}, session "
        f"{holder.get('session_id', '?')} ({holder.get('session_dir', '?')}); {state}"
    )
