"""The engine's `Session` in the app: what `turnout run`, `rehearse` and `resume` call when
stdout is a terminal, in place of the headless flow (tui/commands/session_flow.py).

The same steps as the headless flow: a session directory and its log (made before the app
starts, so a bad directory is an error on the terminal, exit 2), the call recorder, the Cloud
built on it, the `Session`. The Cloud and the Session are built on the engine's thread, since
building the Cloud may call AWS. The log is closed once the app has returned and the engine
has stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tui.app.app import DebriefMaker
from tui.app.launch import AppRunner, run_session_app, say
from tui.audit.resume import ResumeState
from tui.audit.session_log import SessionLog, file_sha256
from tui.audit.sessiondir import create_session_dir
from tui.aws.protocol import Cloud
from tui.clock import Clock
from tui.engine.auto_approve import AutoApproving
from tui.engine.options import SessionOptions
from tui.engine.ports import Operator
from tui.engine.recorder import SessionCallRecorder
from tui.engine.session import Session
from tui.engine.summary import EndSummary
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook

CloudMaker = Callable[[SessionCallRecorder], Cloud]
"""Builds the Cloud on the session's call recorder (the commands' `make_cloud`)."""
OperatorWrapper = Callable[[Operator], Operator]
"""What the engine asks through, given the app's operator (a rehearsal's
`world_questions_at_real_time`)."""


@dataclass(frozen=True)
class AppOutcome:
    """How the session ended, and where its log is."""

    code: ExitCode
    session_dir: Path
    end_summary: EndSummary | None = None


def start_session_app(
    runbook: Runbook,
    *,
    clock: Clock,
    make_cloud: CloudMaker,
    sessions_dir: str | None,
    options: SessionOptions,
    debrief: DebriefMaker | None = None,
    wrap_operator: OperatorWrapper | None = None,
    run_app: AppRunner | None = None,
    auto_approve: bool = False,
) -> AppOutcome:
    """Run a new session of `runbook` in the app; its exit code and directory. A rehearsal
    passes its `debrief`, shown in the app when the session ends, and `wrap_operator`, which
    the engine asks through. `run_app` runs the app in place of `App.run()` (see
    `run_session_app`). `auto_approve`: `AutoApproving` answers the checklist, confirmations
    and manual steps (the app still shows each); everything else is asked as usual."""
    session_dir = create_session_dir(runbook.name, clock.now(), sessions_dir)
    log = SessionLog.create(session_dir, clock)
    opts = replace(
        options,
        session_dir=str(session_dir),
        runbook_path=options.runbook_path or runbook.file,
        runbook_sha256=options.runbook_sha256 or file_sha256(runbook.file),
        argv=tuple(options.argv) or tuple(sys.argv),
    )
    return _run(
        runbook,
        clock,
        make_cloud,
        log,
        opts,
        session_dir,
        None,
        debrief,
        _approving(wrap_operator, clock, auto_approve),
        run_app,
    )


def resume_session_app(
    runbook: Runbook,
    state: ResumeState,
    *,
    clock: Clock,
    make_cloud: CloudMaker,
    options: SessionOptions,
    repair_log: bool = False,
    break_stale_lock: bool = False,
    auto_approve: bool = False,
    run_app: AppRunner | None = None,
) -> AppOutcome:
    """Carry a session on from its log (`state`, from tui.audit.resume) in the app."""
    session_dir = state.path.parent
    log = SessionLog.resume(
        session_dir, clock, repair_torn=repair_log, break_stale_lock=break_stale_lock
    )
    opts = replace(options, session_dir=str(session_dir))
    wrap = _approving(None, clock, auto_approve)
    return _run(runbook, clock, make_cloud, log, opts, session_dir, state, None, wrap, run_app)


def _approving(
    wrap: OperatorWrapper | None, clock: Clock, auto_approve: bool
) -> OperatorWrapper | None:
    """`wrap`, then `AutoApproving` outside it when --auto-approve was given (an approved
    question is never asked, so it never waits at real time)."""
    if not auto_approve:
        return wrap
    return lambda operator: AutoApproving(wrap(operator) if wrap else operator, clock=clock)


class _AppSession:
    """`Session` as the app drives it: `run()` starts, or resumes from `state`."""

    def __init__(self, session: Session, state: ResumeState | None) -> None:
        self.session = session
        self.state = state

    def run(self) -> int:
        return self.session.run() if self.state is None else self.session.resume(self.state)

    def request_rollback(self, who: str, reason: str) -> None:
        self.session.request_rollback(who, reason)

    def request_pause(self, reason: str | None = None) -> None:
        self.session.request_pause(reason)

    def add_note(self, text: str) -> None:
        self.session.add_note(text)


def _run(
    runbook: Runbook,
    clock: Clock,
    make_cloud: CloudMaker,
    log: SessionLog,
    options: SessionOptions,
    session_dir: Path,
    state: ResumeState | None,
    debrief: DebriefMaker | None = None,
    wrap_operator: OperatorWrapper | None = None,
    run_app: AppRunner | None = None,
) -> AppOutcome:
    made: list[Session] = []

    def make_session(operator: Operator) -> _AppSession:
        recorder = SessionCallRecorder(log)
        cloud = make_cloud(recorder)
        asked = wrap_operator(operator) if wrap_operator else operator
        session = Session(runbook, cloud, asked, clock, log, options, recorder=recorder)
        made.append(session)
        return _AppSession(session, state)

    try:
        code = run_session_app(
            make_session,
            runbook,
            clock,
            session_dir,
            who=log.operator,
            debrief=debrief,
            run_app=run_app,
        )
    finally:
        log.close()
    summary = made[0].end_summary if made else None
    if summary is not None:
        # The app's screen is gone once it exits: the terminal keeps the summary.
        say("\n".join(summary.lines()), sys.stdout)
    return AppOutcome(ExitCode(code), session_dir, summary)
