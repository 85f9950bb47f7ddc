"""One way to open a session, for every front end: `open_session(SessionRequest)` is what
`turnout run`, `rehearse` and `resume` call, whether the app, plain mode or headless asks.

It makes (or reopens) the session directory and its log, the call recorder, the Cloud built on
it and the engine's `Session`, wires the front end's operator the same way for all three
(its events through the rehearsal's `hear_events`, a person's questions through its
`wrap_operator`, then `--auto-approve` outermost),
hears Ctrl-C, SIGTERM and SIGHUP, runs or resumes, and closes the log. Only who asks differs:
the app runs the session on its worker thread (building the Cloud may call AWS), plain and
headless on the caller's. So a flag such as `--auto-approve` cannot work in one front end and
not another: there is no second path for it to be missing from.

Kept free of argument parsing so tests (and the crash tests' child processes) drive exactly
what the commands drive.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tui.audit.session_log import SessionLog, file_sha256
from tui.audit.sessiondir import create_session_dir
from tui.clock import Clock
from tui.commands.audit_shipping import finish_shipping, start_shipping
from tui.engine.control import STOP_SIGNALS
from tui.engine.options import SessionOptions
from tui.engine.ports import Operator
from tui.engine.recorder import SessionCallRecorder
from tui.errors import InputError
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook

# The engine's Session and what builds on it are imported where a session is made: in the app
# that is on its worker thread, after the first paint (bench/ui.py: `turnout rehearse`'s first
# paint; the engine's import was a fifth of it).
if TYPE_CHECKING:
    from rich.console import Console

    from tui.app.launch import AppRunner
    from tui.app.session_port import DebriefMaker
    from tui.audit.resume import ResumeState
    from tui.audit.shipping import Shipper
    from tui.aws.protocol import Cloud
    from tui.engine.events import EndSummary
    from tui.engine.session import Session
    from tui.notify.sender import NotifyOptions, Sender

CloudMaker = Callable[[SessionCallRecorder], "Cloud"]
"""Builds the Cloud on the session's call recorder (the commands' `make_cloud`)."""
OperatorWrapper = Callable[[Operator], Operator]
"""What a person's questions go through (a rehearsal's `world_questions_at_real_time`)."""
Front = Literal["app", "plain", "headless"]
Boot = Callable[[Front, Operator], SessionOptions | None]
"""What must happen before the Cloud can be built (a rehearsal's world starting): run first on
the session's thread, so the app has painted by then; given the front end and its operator to
show its progress on; returns the options to run with instead (a rehearsal's lease store is in
its world), or None."""


@dataclass(frozen=True)
class SessionRequest:
    """Everything a session needs, whichever front end asks.

    A new session goes under `sessions_dir`; with `resume` (from tui.audit.resume) the session
    is carried on from its log (`repair_log`, `break_stale_lock`: its flags). `front` chooses
    who asks: `operator` replaces the one it would make (tests), `plain_reason` is printed
    first in plain mode, `console` takes the headless and plain stream. `wrap_operator` is
    what a person's questions go through (not headless: nobody waits there); `hear_events`
    wraps the front end's operator for every front end (a rehearsal's world hears of each
    step, `tui/commands/world_steps.py`). The app shows
    `debrief` when the session ends; `run_app` runs it in place of `App.run()` (the tests'
    seam, see `tui.app.launch.run_session_app`). `boot` runs before the Cloud is built (see
    `Boot`). A new session's directory is named for `named_at` (default: the clock's now; a
    rehearsal's world clock stands in the past until its world has booted). `json_lines`
    (headless `--json`) echoes each audit record to stdout as it is written, the stream then
    going to stderr (tui/headless.py's `JsonLinesEcho`).
    """

    runbook: Runbook
    clock: Clock
    make_cloud: CloudMaker
    options: SessionOptions
    front: Front = "headless"
    auto_approve: bool = False
    sessions_dir: str | None = None
    resume: ResumeState | None = None
    repair_log: bool = False
    break_stale_lock: bool = False
    wrap_operator: OperatorWrapper | None = None
    hear_events: OperatorWrapper | None = None
    operator: Operator | None = None
    plain_reason: str | None = None
    console: Console | None = None
    debrief: DebriefMaker | None = None
    run_app: AppRunner | None = None
    boot: Boot | None = None
    named_at: datetime | None = None
    json_lines: bool = False
    notify: NotifyOptions | None = None  # how webhooks are told (tests: a fast clock)


@dataclass
class Outcome:
    """How a session ended, where its log is, and the summary it ended with."""

    code: ExitCode
    session_dir: Path
    summary: str = ""
    recorder: SessionCallRecorder | None = None
    end_summary: EndSummary | None = None


def open_session(request: SessionRequest) -> Outcome:
    """Run (or resume) the session `request` describes to its end; its Outcome."""
    session_dir, log = _open_log(request)
    if request.json_lines:
        from tui.headless import JsonLinesEcho

        echo = JsonLinesEcho(sys.stdout)
        earlier = log.writer.subscribe(lambda _record, line: echo(line))
        if request.resume is not None and earlier:
            echo(earlier.splitlines(keepends=True)[-1])  # the session.resume just written
    options = _options(request, session_dir)
    recorder = SessionCallRecorder(log)
    made: list[Session] = []
    shippers: list[Shipper | None] = []
    sender = _sender(request, log)

    def make_session(front_operator: Operator) -> Session:
        from tui.engine.session import Session

        nonlocal options
        if request.boot is not None:
            booted = request.boot(request.front, front_operator)
            options = _options(replace(request, options=booted), session_dir) if booted else options
        cloud = request.make_cloud(recorder)
        shippers.append(start_shipping(request.runbook, cloud, log, request.clock, session_dir))
        operator = _asking_through(request, front_operator, sender)
        runbook, clock = request.runbook, request.clock
        session = Session(runbook, cloud, operator, clock, log, options, recorder=recorder)
        made.append(session)
        return session

    try:
        if request.front == "app":
            code = _in_app(request, make_session, session_dir, log.operator)
        else:
            session = make_session(request.operator or _stream_operator(request))
            with ctrl_c_asks(session):
                code = session.resume(request.resume) if request.resume else session.run()
    finally:
        if sender is not None:
            sender.close()  # nothing is written after session.end (it normally finished there)
        log.close()
        session = made[0] if made else None
        end = session.end_summary if session else None
        if end is None:  # no summary to end with (it failed, or never ran): still the anchor
            _print_anchor(log)
        elif request.front == "app":
            from tui.app.launch import say

            say(
                "\n".join(end.lines()), sys.stdout
            )  # the app's screen is gone: the terminal keeps it
        finish_shipping(shippers[0] if shippers else None, log.writer.last_seq)
    return Outcome(ExitCode(code), session_dir, session.summary if session else "", recorder, end)


def _print_anchor(log: SessionLog) -> None:
    """`audit: LOG ends at sha256:HASH` on stderr, for a session that has no end summary to
    carry it (every session ends by naming its log's last hash: docs/audit.md)."""
    from tui.audit.anchor import anchor_line

    if log.writer.last_seq:
        print(anchor_line(log.path, log.writer.last_hash), file=sys.stderr, flush=True)


def _open_log(request: SessionRequest) -> tuple[Path, SessionLog]:
    """A new session's directory and log, or the resumed one's log reopened (it writes
    `session.resume`); a bad directory is an error here, before any front end starts."""
    clock = request.clock
    if request.resume is None:
        named = request.named_at or clock.now()
        session_dir = create_session_dir(request.runbook.name, named, request.sessions_dir)
        return session_dir, SessionLog.create(session_dir, clock)
    session_dir = request.resume.path.parent
    log = SessionLog.resume(
        session_dir,
        clock,
        repair_torn=request.repair_log,
        break_stale_lock=request.break_stale_lock,
    )
    return session_dir, log


def _options(request: SessionRequest, session_dir: Path) -> SessionOptions:
    """The options as the engine gets them: the session's directory, and for a new session
    what `session.start` records (the runbook's absolute path, so a resume works from any
    directory, its SHA-256 and the command line)."""
    options, runbook = request.options, request.runbook
    if request.resume is not None:
        return replace(options, session_dir=str(session_dir))
    return replace(
        options,
        session_dir=str(session_dir),
        runbook_path=options.runbook_path or runbook.file,
        runbook_sha256=options.runbook_sha256 or file_sha256(runbook.file),
        audit_copies=runbook.audit.described(session_dir.name) or None,
        argv=tuple(options.argv) or tuple(sys.argv),
    )


def _sender(request: SessionRequest, log: SessionLog) -> Sender | None:
    """The webhooks' sender (tui/notify/), when the runbook names any."""
    if not request.runbook.notify and not (request.notify and request.notify.extra):
        return None  # and tui.notify is never imported
    from tui.notify import start_sender

    return start_sender(request.runbook, log, request.notify)


def _asking_through(
    request: SessionRequest, operator: Operator, sender: Sender | None = None
) -> Operator:
    """The front end's operator as the engine asks it, the same rule for every front end: its
    events through `hear_events`, a person's questions through `wrap_operator` (headless has no
    person), what webhooks hear through `sender`, then `AutoApproving` outside it when
    --auto-approve was given (an approved question is never asked, so it never waits at real
    time, and no webhook hears of it)."""
    if request.hear_events is not None:
        operator = request.hear_events(operator)
    if request.wrap_operator is not None and request.front != "headless":
        operator = request.wrap_operator(operator)
    if sender is not None:
        from tui.notify.operator import notifying

        operator = notifying(operator, sender, request.clock)
    if request.auto_approve:
        from tui.engine.auto_approve import AutoApproving

        operator = AutoApproving(operator, clock=request.clock)
    return operator


def _stream_operator(request: SessionRequest) -> Operator:
    """Headless's progress stream, or plain mode's prompts."""
    from rich.console import Console

    from tui.headless import HeadlessOperator

    console = request.console or Console(soft_wrap=True, stderr=request.json_lines)
    if request.front == "plain":
        from tui.plain.front_end import make_plain_operator

        return make_plain_operator(console, clock=request.clock, reason=request.plain_reason)
    return HeadlessOperator(console, clock=request.clock)


def _in_app(
    request: SessionRequest,
    make_session: Callable[[Operator], Session],
    session_dir: Path,
    who: str,
) -> int:
    """The session in the full-screen app: made and run on the app's engine thread."""
    from tui.app.launch import run_session_app

    resume = request.resume
    return run_session_app(
        lambda operator: _AppSession(make_session(operator), resume),
        request.runbook,
        request.clock,
        session_dir,
        who=who,
        debrief=request.debrief,
        run_app=request.run_app,
    )


class _AppSession:
    """A `Session` as the app drives it (`tui.app.app.SessionControl`): `run()` starts it, or
    resumes it from `state`."""

    def __init__(self, session: Session, state: ResumeState | None) -> None:
        self.session, self.state = session, state

    def run(self) -> int:
        return self.session.run() if self.state is None else self.session.resume(self.state)

    def request_rollback(self, who: str, reason: str) -> None:
        self.session.request_rollback(who, reason)

    def request_pause(self, reason: str | None = None) -> None:
        self.session.request_pause(reason)

    def add_note(self, text: str) -> None:
        self.session.add_note(text)

    def request_fast_forward(self, who: str) -> None:
        self.session.request_fast_forward(who)


def require_answerable(runbook: Runbook, auto_approve: bool) -> None:
    """A headless run without --auto-approve must never need a person: refuse it up front."""
    if auto_approve:
        return
    from tui.headless import questions_in

    asks = questions_in(runbook)
    if asks:
        shown = ", ".join(asks[:4]) + (f" and {len(asks) - 4} more" if len(asks) > 4 else "")
        raise InputError(
            f"{runbook.file}: this runbook asks a person ({shown}), and a headless run has "
            "nobody to ask. Add --auto-approve to answer yes to every confirmation (never to a "
            "failed precondition or a breached guardrail), or run it interactively."
        )


@contextmanager
def ctrl_c_asks(session: Session) -> Iterator[None]:
    """The first Ctrl-C asks the engine's INTERRUPT question at its next safe point; a second
    one interrupts at once (the log stays resumable). SIGTERM and SIGHUP pause the session at
    its next safe point (exit 130, resumable); a second one ends the process at once. (The
    app hears SIGTERM and SIGHUP on its own event loop: `tui.app.launch`.)"""

    def first(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        session.request_interrupt()

    def stop(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        signal.signal(signum, signal.SIG_DFL)
        session.request_pause(f"paused by {STOP_SIGNALS.get(name, name)}")

    try:
        previous = {signal.SIGINT: signal.signal(signal.SIGINT, first)}
    except ValueError:  # not the main thread (tests): no signal handling
        yield
        return
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) != signal.SIG_IGN:  # nohup: ignored
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
