"""The preflight at the start of a session: after the identity check, before the leases, the
checklist and any change (docs/real-aws.md). The checks are the Cloud's (tui/aws/preflight.py);
this records them in the audit log, tells the front end each row that is not `ok`, and refuses
the session (exit 5) when one fails, naming each missing action and the statement to add."""

from __future__ import annotations

from dataclasses import asdict

from tui.aws.protocol import FAIL, OK, CloudError, Identity
from tui.engine.core import Core
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook


def preflight(
    core: Core, runbook: Runbook, identity: Identity | None
) -> tuple[ExitCode, str] | None:
    """(exit code, reason) when the preflight refuses the session, else None (and None
    without an identity: the session has already refused)."""
    if identity is None:
        return None
    try:
        with core.tag(None):
            rows = core.cloud.preflight(runbook, identity)
    except CloudError as exc:
        # A preflight that cannot run is no reason to stop; the session's own calls will tell.
        core.notice(f"preflight could not run: {exc}", "warn")
        core.log.preflight([], refused=False)
        return None
    refused = [row for row in rows if row.result == FAIL]
    core.log.preflight([asdict(row) for row in rows], refused=bool(refused))
    for row in rows:
        if row.result != OK:
            todo = f" ({row.todo})" if row.todo else ""
            level = "error" if row.result == FAIL else "warn"
            core.notice(f"preflight {row.check}: {row.result}: {row.detail}{todo}", level)
    if not refused:
        core.notice(f"preflight passed: {len(rows)} checks", "info")
        return None
    missing = [action for row in refused for action in row.missing]
    named = f"; missing {', '.join(missing)}" if missing else ""
    text = (
        f"preflight refused before any change: {len(refused)} check(s) failed{named} "
        "(`turnout preflight` prints the table and the statements to add)"
    )
    return ExitCode.REFUSED, text
