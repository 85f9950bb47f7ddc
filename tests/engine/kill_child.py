"""The child process of the crash-and-resume test: a headless session against a served world,
on the world's own clock as the parent publishes it (tui/rehearsal/shared_clock.py), so it can
be SIGKILLed mid-refresh and resumed by the parent.

    python tests/engine/kill_child.py RUNBOOK ENDPOINT SESSIONS_DIR CLOCK_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.shared_clock import ClockFile
from tui.runbook.loader import load_runbook


def main() -> int:
    runbook, endpoint, sessions, clock_file = sys.argv[1:5]
    clock = ClockFile(Path(clock_file))

    def make_cloud(recorder):
        clients = ClientFactory(
            region="us-east-1",
            endpoint_url=endpoint,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        return AwsCloud(AwsContext(clients, clock))

    outcome = open_session(
        SessionRequest(
            load_runbook(runbook),
            clock,
            make_cloud,
            SessionOptions(poll=10, mode="real"),
            auto_approve=True,
            sessions_dir=sessions,
        )
    )
    return int(outcome.code)


if __name__ == "__main__":
    raise SystemExit(main())
