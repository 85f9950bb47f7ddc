"""`TurnoutApp`: the Textual app around one session (live, or replayed from its audit log).

The engine runs in a thread worker and talks to the app only through `TextualOperator`, which
posts messages; the app folds them into a `SessionModel` and redraws the parts that changed.
Nothing on the event loop waits for AWS or the engine: requests to the engine (pause, roll back,
note) run in thread workers too, and the audit tail is read by a one-shot worker that re-arms
itself (dolphie's pattern), so a slow disk never stacks up reads.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from tui.app.controls import KeyActions
from tui.app.messages import (
    EngineEvent,
    LogRecords,
    QuestionAsked,
    QuestionSettled,
    SessionFinished,
)
from tui.app.model import SessionModel
from tui.app.operator import TextualOperator
from tui.app.question import PendingQuestion
from tui.app.screens.session import ReplayScreen, SessionScreen
from tui.app.session_port import DebriefMaker, SessionControl, SessionFactory
from tui.app.textual_compat import (
    collect_again,
    resume_only_on_a_live_terminal,
    run_collector_frozen,
)
from tui.clock import Clock
from tui.engine.events import AutoApproved, FastForward, Notice, SessionEnded
from tui.errors import TurnoutError
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook

if TYPE_CHECKING:  # the replay, the log reader and the modals are imported when used: a faster
    # first paint (the question modal brings in Markdown, buttons and inputs)
    from tui.app.replay import ReplayPlayer
    from tui.audit.replay import LogTail

TICK_S = 0.5  # how often countdowns redraw and deadlines are checked (real seconds)
TAIL_S = 1.0  # how often the audit tail looks for new records


class TurnoutApp(KeyActions):
    """One session on screen. `run()` returns the session's exit code."""

    CSS_PATH = "app.tcss"
    TITLE = "turnout"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit_session", "Quit", show=False, priority=True)
    ]

    def __init__(
        self,
        runbook: Runbook | None,
        clock: Clock,
        session_dir: str | Path,
        *,
        make_session: SessionFactory | None = None,
        player: ReplayPlayer | None = None,
        who: str | None = None,
        runbook_name: str = "",
        tail_log: bool = True,
        debrief: DebriefMaker | None = None,
    ) -> None:
        super().__init__()
        self.model = SessionModel(runbook, runbook_name)
        self.clock = clock
        self.session_dir = Path(session_dir)
        self.who = who or _login_name()
        self.operator = TextualOperator(self, clock, session_dir)
        self.control: SessionControl | None = None
        self.player = player
        self.exit_code: int | None = None
        self.pending: PendingQuestion | None = None
        self.leaving = False  # quit was chosen: leave once the engine has stopped
        self._make_session = make_session
        self._debrief = debrief
        self._tail: LogTail | None = None
        self._tail_log = tail_log and player is None
        self._session_screen = ReplayScreen(self.model) if player else SessionScreen(self.model)

    def run(self, **kwargs: Any) -> int | None:
        """Run the app (Textual's `run`) with the garbage collector frozen and waiting for the
        first paint: see `run_collector_frozen`."""
        return run_collector_frozen(partial(super().run, **kwargs))

    @property
    def session_screen(self) -> SessionScreen:
        """The session screen (below any modal). It exists from the start; until it is mounted
        its drawing methods do nothing, and it draws everything when it mounts."""
        return self._session_screen

    def get_default_screen(self) -> SessionScreen:
        """The session screen is the app's first screen, not pushed over Textual's blank one:
        pushed from `on_mount`, it was composed and drawn while the app was still starting
        (a frame Textual throws away), then drawn again, which slowed the first paint."""
        return self._session_screen

    def on_mount(self) -> None:
        """Start the tick; once the first frame is painted, the engine (or the replay) and
        the tail: their threads (the engine calling AWS, or the rehearsal world) would
        otherwise take the interpreter from the first paint, which shows none of their work."""
        if not self.is_headless:
            import sys

            resume_only_on_a_live_terminal(sys.__stdin__.fileno())
        self.set_interval(TICK_S, self.tick)
        self.call_after_refresh(self.tick)
        self.call_after_refresh(collect_again)  # see `run`
        self.call_after_refresh(self._start_work)

    def _start_work(self) -> None:
        if self.player is not None:
            self._play()
        elif self._make_session is not None:
            self._run_engine()
        if self._tail_log:
            self._read_tail()

    def on_unmount(self) -> None:
        """Leaving: an engine still running is asked to pause (never left changing AWS
        unwatched), first, so an open question is taken down for the pause rather than
        answered; then nobody will answer any more, so what is still open takes its cautious
        choice. A session still being made (a world booting) is paused when it comes (the
        launcher's `_Engine`, told by the closed operator)."""
        if self.control is not None and self.model.ended is None and self.exit_code is None:
            self.control.request_pause()
        self.operator.close()
        if self.player is not None:
            self.player.stop()

    # -- the engine --------------------------------------------------------------------------

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="engine", description="the session"
    )
    def _run_engine(self) -> None:
        assert self._make_session is not None
        try:
            session = self._make_session(self.operator)
            self.control = session  # one reference assignment: the loop only reads it
            code = int(session.run())
        except TurnoutError as exc:
            self.post_message(SessionFinished(int(exc.exit_code), str(exc)))
        except Exception as exc:  # a bug: never a traceback on the operator's screen
            path = self._save_traceback(exc)
            self.post_message(
                SessionFinished(ExitCode.INTERNAL_ERROR, f"internal error: {exc} (see {path})")
            )
        else:
            self.post_message(SessionFinished(code))

    @work(thread=True, exit_on_error=False, group="debrief", description="the debrief")
    def _load_debrief(self, make: DebriefMaker) -> None:
        title, rows = make(self.session_dir)
        self.call_from_thread(self.session_screen.show_debrief, title, rows)

    def _save_traceback(self, exc: BaseException) -> str:
        import traceback

        path = self.session_dir / "app-error.txt"
        try:
            path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        except OSError:
            return "no file: the session directory is not writable"
        return str(path)

    @on(EngineEvent)
    def _engine_event(self, message: EngineEvent) -> None:
        self.apply_event(message.event)

    def apply_event(self, event: Any) -> None:
        """Fold an engine event into the model and redraw what changed."""
        changed = self.model.apply(event)
        if isinstance(event, SessionEnded):
            self.model.ended_at = self.model.ended_at or self.clock.now()
            if event.end_summary is not None:
                self.session_screen.show_summary(event.end_summary.rows())
        if isinstance(event, Notice):
            severity = {"error": "error", "warn": "warning"}.get(event.level, "information")
            self.notify(
                event.text,
                title=event.step or "",
                severity=severity,  # type: ignore[arg-type]
                timeout={"error": 10, "warn": 6}.get(event.level, 3),
                markup=False,
            )
        if isinstance(event, FastForward):
            if event.on:
                what = "bake" if event.phase == "bake" else "wait"
                self.notify(
                    f"{event.step}: the world runs the rest of this {what} "
                    f"({event.seconds_left:.0f} s) at its fastest; guardrails still watched",
                    title="fast-forward",
                    timeout=5,
                    markup=False,
                )
            else:
                self.notify(f"{event.step}: back at the drill's speed", timeout=3)
        if isinstance(event, AutoApproved):  # no modal opens: say briefly what was approved
            self.notify(
                f"{event.question.title}: {event.answer.choice}",
                title=event.answer.who,
                timeout=4,
                markup=False,
            )
        if changed:
            self.session_screen.update_parts(changed)
            if changed & {"header", "ended", "rollback", "steps"}:
                self.tick()  # the status bar may have something new to say

    @on(SessionFinished)
    def _finished(self, message: SessionFinished) -> None:
        self.exit_code = message.exit_code
        if message.error:
            self.notify(
                message.error,
                title="The session stopped",
                severity="error",
                timeout=30,
                markup=False,
            )
        if self.model.ended is None:
            self.apply_event(
                SessionEnded(message.exit_code, message.error or "", str(self.session_dir))
            )
        if self.leaving:
            self.exit(message.exit_code)
            return
        if self._debrief is not None:
            self._load_debrief(self._debrief)
        # "Pause or roll back?" means nothing once the session is over: the banner says what
        # happened, and q now just leaves.
        from tui.app.screens.quit import QuitScreen

        while isinstance(self.screen, QuitScreen):
            self.pop_screen()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        from tui.audit.chain import ChainBreak

        worker = event.worker
        if worker.group == "audit-tail" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            if event.state is WorkerState.ERROR and isinstance(worker.error, ChainBreak):
                self.notify(
                    f"The audit log stopped verifying: {worker.error}",
                    severity="error",
                    timeout=30,
                    markup=False,
                )
                return
            self.set_timer(TAIL_S, self._read_tail)
        elif event.state is WorkerState.ERROR and worker.group != "audit-tail":
            self.notify(
                f"{worker.description}: {worker.error}", severity="error", timeout=15, markup=False
            )

    # -- questions ---------------------------------------------------------------------------

    @on(QuestionAsked)
    def _asked(self, message: QuestionAsked) -> None:
        self.show_question(message.pending)

    def show_question(self, pending: PendingQuestion) -> None:
        """Open the modal for a question (it becomes the one the status bar counts down)."""
        from tui.app.screens.question import QuestionScreen

        self.pending = pending
        self.push_screen(QuestionScreen(pending, self.who, replay=self.replaying))
        self.tick()

    @on(QuestionSettled)
    def _settled(self, message: QuestionSettled) -> None:
        self.question_settled(message.pending)

    def question_settled(self, pending: PendingQuestion) -> None:
        """Close the question's modal if it is open, and note a checklist answer."""
        if self.pending is pending:
            self.pending = None
        for screen in self.question_screens():
            if screen.pending is pending:
                screen.dismiss()
        settlement = pending.settlement
        if settlement is not None and pending.question.kind == "checklist":
            self._checklist_answered(pending, settlement.answer.choice == "yes")
        self.tick()

    def _checklist_answered(self, pending: PendingQuestion, confirmed: bool) -> None:
        # The engine asks "Checklist 2 of 3" with the item's text as the body.
        q = pending.question
        item = next((i.text for i in self.model.checklist if i.text in (q.body, q.title)), q.body)
        self.session_screen.update_parts(self.model.checklist_answered(item, confirmed))

    def tick(self) -> None:
        """Redraw the countdowns; take a question's default when its deadline has passed."""
        now = self.clock.now()
        pending = self.pending
        if pending is not None and pending.settled:
            pending = None
        if pending is not None and not self.replaying and pending.expired(now):
            svg = self.export_screenshot(title=f"turnout: {pending.question.title} (timed out)")
            pending.settle(pending.timeout_answer(), svg)
        self.session_screen.tick(now, pending)
        for screen in self.question_screens():
            if screen is self.screen:
                screen.tick(now)

    # -- the audit tail ----------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="audit-tail",
        description="reading the audit log",
    )
    def _read_tail(self) -> None:
        if self._tail is None:
            if not (self.session_dir / "audit.jsonl").exists():
                return
            from tui.audit.replay import LogTail

            self._tail = LogTail(self.session_dir)
        records = self._tail.poll()
        if records:
            self.post_message(LogRecords(records))

    @on(LogRecords)
    def _records(self, message: LogRecords) -> None:
        self.session_screen.add_records(message.records)
        # A resumed session's checklist was answered before the resume: only the log says so.
        for r in message.records:
            if r.type == "checklist.answer" and self.player is None:
                item, ok = str(r.payload.get("item", "")), bool(r.payload.get("confirmed"))
                self.session_screen.update_parts(self.model.checklist_answered(item, ok))

    # -- replay ------------------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="replay",
        description="replaying the session",
    )
    def _play(self) -> None:
        assert self.player is not None
        self.player.run(lambda item: self.call_from_thread(self._replayed, item))
        self.call_from_thread(self.notify, "End of the recording. Press q to leave.")

    def _replayed(self, item: Any) -> None:
        from tui.app.replay import AnsweredInReplay, AskedInReplay, ChecklistAnswered, RecordPlayed

        if isinstance(item, AskedInReplay):
            self.show_question(item.pending)
        elif isinstance(item, AnsweredInReplay):
            self.question_settled(item.pending)
        elif isinstance(item, ChecklistAnswered):
            self.session_screen.update_parts(
                self.model.checklist_answered(item.item, item.confirmed)
            )
        elif isinstance(item, RecordPlayed):
            self.post_message(LogRecords([item.record]))
        else:
            self.apply_event(item)


def _login_name() -> str:
    """The operator's login name (as the audit log's `os_user` has it)."""
    import getpass
    import os

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
