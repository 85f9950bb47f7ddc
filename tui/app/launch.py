"""Starting the app from other code: `run_session_app` for `turnout run/rehearse/resume`, and
`run_replay_app` for `turnout replay`.

The app runs on the calling thread; the engine on a worker thread the app starts. When the app
closes while the engine still runs (the terminal went away, a second Ctrl+C), the launcher asks
the engine to pause and waits for it, so no AWS change is left half-watched by nobody.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tui.app.app import TurnoutApp
from tui.app.session_port import DebriefMaker, SessionControl, SessionFactory
from tui.audit.replay import Replay
from tui.clock import Clock
from tui.engine.control import STOP_SIGNALS
from tui.engine.ports import Operator
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook

STOP_WAIT_S = 600.0  # how long to wait for a pausing engine before giving up on it

AppRunner = Callable[[TurnoutApp], int | None]
"""Runs the app to its end and returns what `App.run()` returns (tests drive it with a Pilot)."""


def run_session_app(
    make_session: SessionFactory,
    runbook: Runbook,
    clock: Clock,
    session_dir: str | Path,
    *,
    who: str | None = None,
    debrief: DebriefMaker | None = None,
    run_app: AppRunner | None = None,
) -> int:
    """Run one session in the Textual app and return its exit code (tui/exitcodes.py).

    `make_session(operator)` builds the engine's `Session` with the app's operator; it is called
    on the engine's worker thread (it may call AWS). `clock` is the engine's clock (countdowns
    read it). `session_dir` is where the engine writes `audit.jsonl`; the app tails it and saves
    each prompt's SVG under its `screens/`. `debrief` (rehearsals) is shown once it ends.
    `run_app(app)` runs the app in place of `app.run()` (the tests' seam: they drive it
    with `App.run_test()` and key presses).
    """
    engine = _Engine(make_session)
    app = TurnoutApp(
        runbook, clock, session_dir, make_session=engine.make, who=who, debrief=debrief
    )
    result = _run_hearing_stop_signals(app, engine) if run_app is None else run_app(app)
    if engine.app_gone():
        say("turnout: pausing the session before leaving…", sys.stderr)
        engine.request_pause()
        if not engine.stopped.wait(STOP_WAIT_S):
            say(
                "turnout: the engine did not stop; the session may need `turnout resume`.",
                sys.stderr,
            )
            return int(ExitCode.INTERRUPTED)
    if app.exit_code is not None:
        return int(app.exit_code)
    return int(result) if result is not None else int(ExitCode.INTERRUPTED)


def say(text: str, stream: TextIO) -> None:
    """Print `text` to the terminal, which may be gone (SIGHUP: writing to it fails with EIO).
    Then nobody is there to read it, and what matters is that the session still pauses and its
    exit code stands (the log says everything): stdout and stderr go to /dev/null, so no later
    write fails either."""
    try:
        print(text, file=stream, flush=True)
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)


class _AppClosed(BaseException):
    """The app closed before the engine's thread began: no session is made (not an error the
    app would report: it has gone)."""


class _Engine:
    """The engine's side of the app: the session once made (on the engine's thread), and a
    pause asked for before it existed. A rehearsal's world boots while the session is being
    made (seconds): a stop signal or a quit then must still pause the session when it comes,
    and the launcher must wait for it, not close the log under an engine about to start."""

    def __init__(self, make_session: SessionFactory) -> None:
        self._make_session = make_session
        self._lock = threading.Lock()
        self._session: SessionControl | None = None
        self._pause: list[str | None] = []  # asked for before the session existed
        self._closed = False  # the app has gone and the engine had not started: never start
        self.started = threading.Event()  # `make` was called: the engine's thread is at work
        self.stopped = threading.Event()  # and it has returned, however

    def app_gone(self) -> bool:
        """The app has gone: whether the engine's thread is still at work. If it never began,
        it never will (the log is about to be closed)."""
        with self._lock:
            self._closed = not self.started.is_set()
        return self.started.is_set() and not self.stopped.is_set()

    def make(self, operator: Operator) -> SessionControl:
        with self._lock:
            if self._closed:
                raise _AppClosed
            self.started.set()
        try:
            session = self._make_session(operator)
        except BaseException:
            self.stopped.set()
            raise
        with self._lock:
            self._session = session
            pending = list(self._pause)
        if getattr(operator, "closed", False) and not pending:  # the app went meanwhile
            pending = [None]
        for reason in pending:
            session.request_pause(reason)
        return _Watched(session, self.stopped)

    def request_pause(self, reason: str | None = None) -> None:
        with self._lock:
            session = self._session
            if session is None:
                self._pause.append(reason)
                return
        session.request_pause(reason)


def _run_hearing_stop_signals(app: TurnoutApp, engine: _Engine) -> int | None:
    """`app.run()`, but SIGTERM (a process manager's stop) and SIGHUP (the terminal went away)
    pause the session with that reason and close the app, as in headless and plain mode:
    session.end 130, resumable, the terminal restored. Left to their defaults they kill the
    process mid-step with the terminal still in the app's mode. A second one acts at once
    (its default), for a process that will not stop."""

    loop = asyncio.new_event_loop()

    def stop(number: int, why: str) -> None:
        loop.remove_signal_handler(number)
        engine.request_pause(f"paused by {why}")
        app.exit()

    heard: list[int] = []
    for name, why in STOP_SIGNALS.items():
        number = getattr(signal, name, None)
        if number is None or signal.getsignal(number) == signal.SIG_IGN:  # nohup: left ignored
            continue
        try:
            loop.add_signal_handler(number, stop, number, why)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
            continue
        heard.append(number)
    try:
        return app.run(loop=loop)
    finally:
        for number in heard:
            loop.remove_signal_handler(number)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


class _Watched:
    """A session whose `run` sets an event when it returns, however it returns."""

    def __init__(self, session: SessionControl, stopped: threading.Event) -> None:
        self._session = session
        self._stopped = stopped

    def run(self) -> int:
        try:
            return self._session.run()
        finally:
            self._stopped.set()

    def request_rollback(self, who: str, reason: str) -> None:
        self._session.request_rollback(who, reason)

    def request_pause(self, reason: str | None = None) -> None:
        self._session.request_pause(reason)

    def add_note(self, text: str) -> None:
        self._session.add_note(text)

    def request_fast_forward(self, who: str) -> None:
        self._session.request_fast_forward(who)


def run_replay_app(
    session_dir: str | Path, *, speed: float = 1.0, replay: Replay | None = None
) -> int:
    """Play a recorded session back on the session screen; 0 when the viewer leaves.

    Raises the audit module's errors (exit 2) for a log that does not verify.
    """
    from tui.app.replay import ReplayPlayer

    replay = replay or Replay.load(session_dir)
    # The engine may call STS before it writes session.start: look for it, not at record 1.
    start = next((r.payload for r in replay.records if r.type == "session.start"), {})
    runbook_info = start.get("runbook") or {}
    runbook = runbook_of(start)
    directory = Path(session_dir)
    if directory.is_file():
        directory = directory.parent
    player = ReplayPlayer(replay, directory, speed=speed, title=runbook.title if runbook else "")
    app = TurnoutApp(
        runbook,
        player.clock,
        directory,
        player=player,
        runbook_name=str(runbook_info.get("name", "")),
    )
    app.run()
    return int(ExitCode.COMPLETED)


def runbook_of(start: dict) -> Runbook | None:
    """The runbook a `session.start` payload names, for the step list's plan; None when it is
    gone, changed past loading or broken (the screen is then drawn from the log alone)."""
    from tui.runbook.loader import load_runbook

    path = (start.get("runbook") or {}).get("path")
    if not path or not Path(path).is_file():
        return None
    try:
        return load_runbook(path)
    except Exception:  # a changed or broken runbook: replay from the log alone
        return None
