"""`turnout watch`: the session screen for an observer, following the audit log as it grows.

`WatchApp` is the app around a `LogFollower` (tui/app/follow.py) where `turnout replay` has a
`ReplayPlayer`: the same screens, folded from the same events, but live. It holds no session:
no engine, no lock, no lease, and the log is only ever opened for reading. Its keys look (the
question waiting, the panels, the keys' list) and leave; every request the operator's keys make
(pause, roll back, note, answer) is refused with READ-ONLY, and the screen says READ-ONLY at
all times.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding

from tui.app.app import TurnoutApp
from tui.app.follow import LogFollower, session_start
from tui.app.launch import runbook_of
from tui.app.question import PendingQuestion
from tui.app.screens.question import QuestionScreen
from tui.app.screens.session import SessionScreen
from tui.engine.events import Notice
from tui.exitcodes import ExitCode

WATCH_KEYS = [
    Binding("c", "continue", "Question", tooltip="Show the question waiting for the operator"),
    Binding("t", "toggle_panels", "Panels", tooltip="Step and panels / panels / step"),
    Binding("q", "quit_session", "Quit", tooltip="Stop watching (the session carries on)"),
    Binding("question_mark", "help", "Keys", key_display="?"),
]
"""An observer's keys: none of them reaches the session."""

WATCHED_QUESTION_KEYS = (
    ("v / Escape", "put the question away to look at the screen (c brings it back)"),
    ("q", "stop watching (the session carries on)"),
    ("", "no choice can be made here: the operator answers on their own screen"),
)
"""What the keys do in a question's modal, for an observer."""

PARENT_CHECK_S = 1.0  # how often a browser's watcher looks whether its server is still there


class WatchScreen(SessionScreen, inherit_bindings=False):
    """The session screen, read-only: the observer's keys, READ-ONLY in the status bar."""

    BINDINGS = WATCH_KEYS

    def __init__(self, model: Any) -> None:
        super().__init__(model, replay=True)
        self.watching = True

    def action_help(self) -> None:
        """List the observer's keys."""
        from tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(WATCH_KEYS, WATCHED_QUESTION_KEYS))


class WatchedQuestionScreen(QuestionScreen):
    """A question as the operator sees it, for the observer: no choice can be made here
    (the replay's disabled modal), but it can be put away to look at the screen behind."""

    def _hint(self) -> Any:
        from rich.text import Text

        return Text(
            "READ-ONLY: the operator answers on their own screen · v or Escape: look behind "
            "(c brings it back) · q: leave",
            style="dim",
        )

    def action_hide(self) -> None:
        """Put the question away; the status bar keeps counting down."""
        self.dismiss()

    def action_escape(self) -> None:
        """Escape only puts the question away: nothing is answered from here."""
        self.dismiss()


class WatchApp(TurnoutApp):
    """The session screen following a live session's log, read-only."""

    TITLE = "turnout watch"

    def __init__(
        self,
        follower: LogFollower,
        *,
        runbook: Any = None,
        runbook_name: str = "",
        who: str | None = None,
        parent_pid: int | None = None,
    ) -> None:
        """`parent_pid`: leave when the process that started this one is gone (a browser's
        watcher whose server was killed: nobody reads its screen any more)."""
        super().__init__(
            runbook,
            follower.clock,
            follower.session_dir,
            player=follower,  # type: ignore[arg-type]  # it stands where a replay's player does
            runbook_name=runbook_name,
            who=who,
            tail_log=False,  # the follower's records feed the audit tail
        )
        self.follower = follower
        self._session_screen = WatchScreen(self.model)
        self._catching_up = False
        self._parent_pid = parent_pid

    def on_mount(self) -> None:
        """For a browser's watcher, a look every second at its server. (Textual calls the
        app's own `on_mount` too, as it calls each class's: not again from here.)"""
        if self._parent_pid is not None:
            self.set_interval(PARENT_CHECK_S, self._check_parent)

    def _check_parent(self) -> None:
        if os.getppid() != self._parent_pid:
            self.follower.stop()  # first: the closing loop waits for the follower's thread
            self.exit(int(ExitCode.COMPLETED))

    # -- following ---------------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="watch",
        description="following the session's log",
    )
    def _play(self) -> None:
        """The follower on a worker thread (never the UI's): it sleeps between polls. A record
        that does not verify stops it, and the screen keeps saying so."""
        from tui.audit.chain import ChainBreak

        try:
            self.follower.run(
                lambda items, catching_up: self.call_from_thread(
                    self._followed, items, catching_up
                ),
                alive=lambda: self.is_running,
            )
        except ChainBreak as exc:
            self.call_from_thread(
                self.notify,
                f"Stopped following: the audit log no longer verifies ({exc}). The screen shows "
                "the session up to the last record that verified.",
                title="The audit log stopped verifying",
                severity="error",
                timeout=24 * 3600,
                markup=False,
            )

    async def _followed(self, items: list[Any], catching_up: bool) -> None:
        """Draw one batch: events folded in order, records to the audit tail in one go. The
        follower's thread waits for it (`call_from_thread`), so batches never overlap."""
        from tui.app.replay import AnsweredInReplay, RecordPlayed

        records = []
        self._catching_up = catching_up
        try:
            for item in items:
                if isinstance(item, RecordPlayed):
                    records.append(item.record)
                    if item.record.type == "session.resume":
                        self._resumed()
                elif isinstance(item, AnsweredInReplay):
                    await self._answered(item.pending)
                else:
                    self._replayed(item)
        finally:
            self._catching_up = False
        if records:
            self.session_screen.add_records(records)
        self.tick()

    async def _answered(self, pending: PendingQuestion) -> None:
        """The operator answered: its modal is taken down, and gone, before anything else in
        the batch is drawn (a dismissal completes a moment later: a question asked again in
        the same batch opens over the session screen, not over the old modal)."""
        for screen in self.question_screens():
            if screen.pending is pending and screen is self.screen:
                await screen.dismiss()
        self.question_settled(pending)  # the rest of what the app does with an answer

    def _resumed(self) -> None:
        """A paused session carried on (`turnout resume` writes on in the same log)."""
        if self.model.ended is not None:
            self.model.ended = None
            self.model.ended_at = None
            self.session_screen.update_parts({"header", "steps", "ended"})

    def apply_event(self, event: Any) -> None:
        """As the app does, but what happened before the watcher came is drawn, not
        announced one notification at a time."""
        if self._catching_up and isinstance(event, Notice):
            changed = self.model.apply(event)
            if changed:
                self.session_screen.update_parts(changed)
            return
        super().apply_event(event)

    # -- questions, read-only ----------------------------------------------------------------

    def show_question(self, pending: PendingQuestion) -> None:
        """The question the operator sees now, as they see it, with no choice enabled."""
        self.pending = pending
        self.push_screen(WatchedQuestionScreen(pending, self.who, replay=True))
        self.tick()

    def reopen_question(self) -> None:
        """`c`: bring back the question waiting for the operator."""
        pending = self.pending
        if pending is None or pending.settled:
            self.notify("No question is waiting for the operator.", timeout=3)
        elif not self.question_screens():
            self.push_screen(WatchedQuestionScreen(pending, self.who, replay=True))

    def _live(self, what: str) -> bool:
        """Nothing is ever asked of the session from here."""
        self.notify(
            f"READ-ONLY: you are watching; nothing to {what} from here. The operator's "
            "own screen does that.",
            timeout=4,
            markup=False,
        )
        return False


def run_watch_app(
    session_dir: str | Path, start: dict | None = None, *, in_browser: bool = False
) -> int:
    """Watch a session until the viewer leaves; 0 then (the session's own code is its own).
    `start`: its `session.start` payload, if the caller has read it (`session_start`).
    `in_browser`: started by `--serve` for one browser; it ends when its server does."""
    directory = Path(session_dir)
    start = session_start(directory) if start is None else start
    runbook = runbook_of(start)
    follower = LogFollower(directory, title=runbook.title if runbook else "")
    app = WatchApp(
        follower,
        runbook=runbook,
        runbook_name=str((start.get("runbook") or {}).get("name", "")),
        parent_pid=os.getppid() if in_browser else None,
    )
    app.run()
    return int(ExitCode.COMPLETED)
