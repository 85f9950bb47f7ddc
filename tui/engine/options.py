"""How a session is run: what the commands decide and the engine only reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.audit.leases import LeaseStore


@dataclass(frozen=True)
class SessionOptions:
    """Settings of one session.

    `poll` is the poll interval in engine-clock seconds (guardrails and action progress);
    `verify_within` bounds post-rollback verification (None: the longer of five minutes and
    three periods of the slowest guardrail metric); `confirm_timeout` is the deadline of a
    `rollback` guardrail's question when the runbook gives none. `leases` is where the session
    leases what it changes (None: no leases, as in the engine's unit tests); `break_lease`
    breaks other sessions' leases on them first (`--break-lease`, recorded).
    """

    poll: float = 10.0
    mode: str = "real"  # or "rehearsal"
    scenario: str | None = None
    session_dir: str = ""
    runbook_path: str = ""
    runbook_sha256: str | None = None
    argv: Sequence[str] = field(default_factory=tuple)
    verify_within: float | None = None
    confirm_timeout: float = 300.0
    operator_name: str | None = None
    leases: LeaseStore | None = None
    break_lease: bool = False
    endpoint_url: str | None = None  # AWS_ENDPOINT_URL of a real-mode session, if set
    profile: str | None = None  # --profile
    audit_copies: Mapping[str, Any] | None = None  # where the log is shipped, as session.start says
    # Run the preflight (tui/aws/preflight.py) before the checklist: `run`, `resume` and a
    # rehearsal under `--policy`; a world that allows every call has nothing to refuse.
    preflight: bool = False

    @property
    def rehearsal(self) -> bool:
        """True when the Cloud is the rehearsal world."""
        return self.mode == "rehearsal"
