"""The child of the app's stop-signal test: RUNBOOK in the full-screen app on a real terminal
(tmux), on the fake Cloud and the wall clock, auto-approved, until a signal stops it. Writes its
pid to PID_FILE before the app starts, so the test signals this process and no other, and the
exit code to PID_FILE.code at the end (the terminal it would print to may be gone). SIGUSR1
writes every thread's stack to PID_FILE.stacks (the test asks for it when the app hangs).

    python tests/app/signal_app_child.py RUNBOOK SESSIONS_DIR PID_FILE
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from pathlib import Path

from tests.engine.fakes import FakeCloud
from tui.clock import SystemClock
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.runbook.loader import load_runbook


def main() -> int:
    runbook, sessions, pid_file = sys.argv[1:4]
    stacks = open(f"{pid_file}.stacks", "w")  # noqa: SIM115 (open until the process ends)
    faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
    Path(pid_file).write_text(str(os.getpid()))
    request = SessionRequest(
        load_runbook(runbook),
        SystemClock(),
        lambda recorder: FakeCloud(),
        SessionOptions(poll=1, mode="real"),
        front="app",
        auto_approve=True,
        sessions_dir=sessions,
    )
    outcome = open_session(request)
    Path(f"{pid_file}.code").write_text(str(int(outcome.code)))
    return int(outcome.code)


if __name__ == "__main__":
    raise SystemExit(main())
