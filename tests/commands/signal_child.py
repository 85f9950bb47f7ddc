"""The child process of the stop-signal test: a headless session of RUNBOOK on the fake Cloud
and the wall clock, waiting in a long `wait` step until the parent sends it a signal.

    python tests/commands/signal_child.py RUNBOOK SESSIONS_DIR
"""

from __future__ import annotations

import sys

from tests.engine.fakes import FakeCloud
from tui.clock import SystemClock
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.runbook.loader import load_runbook


def main() -> int:
    runbook, sessions = sys.argv[1:3]
    outcome = open_session(
        SessionRequest(
            load_runbook(runbook),
            clock=SystemClock(),
            make_cloud=lambda recorder: FakeCloud(),
            sessions_dir=sessions,
            options=SessionOptions(poll=1, mode="real"),
            auto_approve=True,
        )
    )
    return int(outcome.code)


if __name__ == "__main__":
    raise SystemExit(main())
