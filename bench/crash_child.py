"""One process of the crash-and-resume matrix (bench/crash_matrix.py): a headless,
auto-approved session against a served world, started or resumed, that SIGKILLs itself right
after its audit log has durably taken a chosen record.

    python bench/crash_child.py start RUNBOOK SETS ENDPOINT HOSTS DIR CLOCK_FILE KILL_AT
    python bench/crash_child.py resume RUNBOOK SETS ENDPOINT HOSTS LOG CLOCK_FILE -

HOSTS is a JSON object of the world's HTTP hosts (its front door: host name -> 127.0.0.1:port),
so a smoke test reaches the world as it does in `turnout rehearse`.
CLOCK_FILE is where the world's process publishes its clock (tui/rehearsal/shared_clock.py).

SETS is a JSON object of `--set` values.

KILL_AT is `KIND#N`, the Nth record of KIND (`step.start@canary`: a type and the step it
belongs to; `api.intent:mutating@canary` counts only intents that may change AWS), or `-`.
Killing from inside the writer is the only way to stop at an exact record: a parent watching
the file kills some records later, at a place it cannot name.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.audit.resume import resume_state
from tui.audit.writer import AuditWriter
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.shared_clock import ClockFile
from tui.runbook.loader import load_runbook


def kind(event: str, payload: Any) -> str:
    """The matrix's name for a record: its type (intents split into mutating or not) and the
    step it belongs to, `step.start@canary`."""
    if event == "api.intent":
        event = f"api.intent:{'mutating' if payload.get('mutating') else 'read'}"
    step = payload.get("step") if isinstance(payload, dict) else None
    return f"{event}@{step}" if step else event


def kill_at(point: str) -> None:
    """Make the audit writer SIGKILL this process right after the chosen record."""
    if point == "-":
        return
    wanted, nth = point.rsplit("#", 1)
    seen = {"n": 0}
    append = AuditWriter.append

    def append_then_die(self, event, payload, *args, **kwargs):  # type: ignore[no-untyped-def]
        record = append(self, event, payload, *args, **kwargs)
        if kind(event, payload) == wanted:
            seen["n"] += 1
            if seen["n"] == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)
        return record

    AuditWriter.append = append_then_die  # type: ignore[method-assign]


def main() -> int:
    mode, runbook, sets, endpoint, hosts, where, clock_file, point = sys.argv[1:9]
    clock = ClockFile(Path(clock_file))
    kill_at(point)

    def make_cloud(recorder):  # type: ignore[no-untyped-def]
        clients = ClientFactory(
            region="us-east-1",
            endpoint_url=endpoint,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        return AwsCloud(AwsContext(clients, clock, json.loads(hosts)))

    book = load_runbook(runbook, json.loads(sets))
    quiet = Console(file=io.StringIO())
    options = SessionOptions(poll=10, mode="real")
    if mode == "start":
        request = SessionRequest(
            book,
            clock,
            make_cloud,
            options,
            auto_approve=True,
            sessions_dir=where,
            console=quiet,
        )
    else:
        request = SessionRequest(
            book,
            clock,
            make_cloud,
            options,
            auto_approve=True,
            resume=resume_state(where),
            break_stale_lock=True,  # the killed process still "holds" the lock file
            console=quiet,
        )
    return int(open_session(request).code)


if __name__ == "__main__":
    raise SystemExit(main())
