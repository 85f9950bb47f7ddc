"""`turnout audit verify --json`: the verdict as the `turnout.audit.verify` document
(docs/machine-output.md, `schema_version` 1), for CI and an auditor's scripts.

Built from the same `Verdict` the text is (tui/audit/verify.py), reading only the start and
end records, so the JSON costs what the text does.
"""

from __future__ import annotations

from typing import Any

from tui.audit.events import Event
from tui.audit.verify import Verdict

SCHEMA_VERSION = 1


def verify_document(verdict: Verdict) -> dict[str, Any]:
    """`{"schema_version": 1, "kind": "turnout.audit.verify", "ok": ..., ...}`."""
    reading = verdict.reading
    records = reading.records
    problem = reading.problem
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "turnout.audit.verify",
        "log": str(reading.path),
        "ok": verdict.ok,
        "events": len(records),
        "last_hash": reading.last_hash,
        "problem": None
        if problem is None
        else {"line": problem.line, "reason": problem.reason, "detail": problem.detail},
        "session": None,
    }
    if not records:
        return doc
    start = next((r for r in records if r.type == Event.SESSION_START), None)
    end = next((r for r in reversed(records) if r.type == Event.SESSION_END), None)
    begun = start.payload if start is not None else {}
    runbook, aws = begun.get("runbook") or {}, begun.get("aws") or {}
    ended = end.payload if end is not None else None
    doc["session"] = {
        "runbook": runbook.get("name"),
        "runbook_path": runbook.get("path"),
        "runbook_sha256": runbook.get("sha256"),
        "operator": begun.get("operator"),
        "host": begun.get("host"),
        "mode": begun.get("mode"),
        "account": aws.get("account"),
        "region": aws.get("region"),
        "first_ts": records[0].ts,
        "last_ts": records[-1].ts,
        "outcome": ended.get("outcome") if ended else None,
        "exit_code": ended.get("exit_code") if ended else None,
    }
    return doc
