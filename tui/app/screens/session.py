"""The session screen: header, status bar, the steps on the left, the step in the middle, the
live panels (guardrails, instance refresh, traffic split, rollout, audit tail) beside or below.

Wide terminals (150 columns and more) get three columns; narrower ones (down to 80×24) stack
the step over the panels. `t` cycles between both, panels only and step only. The screen only
draws: the keys ask the app (`SessionHost`, what the screen needs of it), which talks to the
engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Protocol, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen

from tui.app import model as parts
from tui.app.model import SessionModel
from tui.app.question import PendingQuestion
from tui.app.widgets.audit_tail import AuditTail
from tui.app.widgets.debrief import DebriefPanel
from tui.app.widgets.guardrails import GuardrailPanel
from tui.app.widgets.header import SessionHeader
from tui.app.widgets.keys_footer import KeysFooter
from tui.app.widgets.refresh import RefreshPanel
from tui.app.widgets.rollout import RolloutPanel
from tui.app.widgets.status_bar import StatusBar
from tui.app.widgets.step_detail import StepDetail
from tui.app.widgets.step_list import StepList
from tui.app.widgets.traffic import TrafficPanel


class SessionHost(Protocol):
    """What the screen asks of its app (`TurnoutApp`): the keys' requests, and a redraw of the
    countdowns. The screen draws; the app decides and talks to the engine."""

    def reopen_question(self) -> None:
        """Bring back the question waiting for an answer."""
        ...

    def request_pause(self) -> None:
        """Pause at the engine's next safe point."""
        ...

    def confirm_rollback(self) -> None:
        """Ask the engine to roll back (it confirms with the operator first)."""
        ...

    def ask_note(self, step: str | None) -> None:
        """Let the operator type a note for the audit log, about `step`."""
        ...

    def quit_session(self) -> None:
        """Leave, or ask how while the session runs."""
        ...

    def fast_forward(self) -> None:
        """Rehearsals: run the bake or wait under way at the world's fastest speed."""
        ...

    def replay_toggle(self) -> None:
        """Replay: pause or resume playback."""
        ...

    def replay_speed(self, factor: float) -> None:
        """Replay: multiply the speed by `factor`."""
        ...

    def replay_where(self) -> str:
        """Replay: where it stands (position of length, speed, playing or paused)."""
        ...

    def tick(self) -> None:
        """Redraw the header's countdowns and the status bar."""
        ...


PANEL_MODES = ("both", "panels", "step")
"""What `t` cycles through: step and panels, panels only, step only."""

LIVE_KEYS = [
    Binding("c", "continue", "Continue", tooltip="Answer the question waiting for you"),
    Binding("p", "pause", "Pause", tooltip="Stop at the next safe point, keep resumable"),
    Binding("r", "rollback", "Roll back now", tooltip="Undo what was done (asks first)"),
    Binding("n", "note", "Note", tooltip="Add a note to the audit log"),
    Binding("f", "fast_forward", "Fast-forward", tooltip="Rehearsal: run this bake or wait fast"),
    Binding("t", "toggle_panels", "Panels", tooltip="Step and panels / panels / step"),
    Binding("q", "quit_session", "Quit", tooltip="Pause and keep resumable, or roll back"),
    Binding("question_mark", "help", "Keys", key_display="?"),
]
"""The live session's keys (the footer shows them; `?` lists them)."""

REPLAY_KEYS = [
    Binding("space", "toggle_play", "Play/pause"),
    Binding("plus,equals_sign", "faster", "Faster", key_display="+"),
    Binding("minus", "slower", "Slower", key_display="-"),
    Binding("t", "toggle_panels", "Panels"),
    Binding("q", "quit_session", "Quit"),
    Binding("question_mark", "help", "Keys", key_display="?"),
]
"""A replay's keys: nothing in a replay reaches AWS or the log."""


class SessionScreen(Screen[None]):
    """Everything about the running (or replayed) session on one screen."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (150, "-wide"),
    ]
    BINDINGS = LIVE_KEYS

    def __init__(self, model: SessionModel, *, replay: bool = False) -> None:
        """`replay`: draw a recorded session (use `ReplayScreen`, which has the replay's keys)."""
        super().__init__()
        self.model = model
        self.replay = replay
        self.watching = False  # `turnout watch` (WatchScreen): a live session, read-only
        self.panel_mode = "both"
        self._early_records: list[Any] = []  # records that came before the screen was mounted
        self._early_debrief: tuple[str, list[tuple[str, str]]] | None = None  # likewise
        self._early_summary: list[tuple[str, str]] | None = None  # likewise
        # Whether the widgets are there to draw on: from the start of `on_mount`, whereas
        # Textual's `is_mounted` turns true only once `on_mount` has returned (so the drawing
        # of everything that `on_mount` asks for would be skipped).
        self._drawable = False
        self._resumed = False

    @property
    def host(self) -> SessionHost:
        """The app, as the screen sees it."""
        return cast(SessionHost, self.app)

    def compose(self) -> ComposeResult:
        """Header, status, body, footer."""
        self._set_breakpoint(self.app.size.width)  # before the children take their styles
        yield SessionHeader(id="header")
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            yield StepList(self.model, on_highlight=self._look_at, id="steps")
            with Vertical(id="main"):
                # The debrief, when the drill is over, heads the story: above the step, so the
                # live panels beside or below keep their room.
                with Vertical(id="story"):
                    yield DebriefPanel(id="debrief")
                    yield StepDetail(self.model, id="detail")
                with VerticalScroll(id="panels"):
                    yield GuardrailPanel(id="guardrails")
                    yield RefreshPanel(id="refresh")
                    yield TrafficPanel(id="traffic")
                    yield RolloutPanel(id="rollout")
                    yield AuditTail(id="audit")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Show the overview until the session starts a step; draw what the model already
        holds (events that came while the screen was composing)."""
        self._drawable = True
        self.query_one(StepList).focus()
        self.query_one(StepDetail).show_step(None)
        everything = {
            parts.HEADER,
            parts.STEPS,
            parts.PROGRESS,
            parts.GUARDRAILS,
            parts.DETAIL,
            parts.CHECKLIST,
        }
        self.update_parts(everything)
        self.add_records(self._early_records)
        self._early_records = []
        if self._early_summary is not None:
            self.query_one(DebriefPanel).show_summary(self._early_summary)
        if self._early_debrief is not None:
            self.query_one(DebriefPanel).show_debrief(*self._early_debrief)
        self.host.tick()  # the header and the status bar

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes as the screen has just mounted, every widget just styled:
        Textual would style them all again (some 5 ms of the first paint); later
        resumes (after a modal) restyle as usual."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _set_breakpoint(self, width: int) -> None:
        """The breakpoint class for `width` (`-wide`, `-narrow`). Textual sets it on the first
        Resize, which reaches the app's first screen only after its first layout: without
        this, the first frame was laid out narrow on a wide terminal, then redone wide.
        Resizes after that are Textual's."""
        breakpoints = self.HORIZONTAL_BREAKPOINTS or []
        chosen = max((b for b in breakpoints if width >= b[0]), default=(0, ""))[1]
        self.update_classes({name: name == chosen for _, name in breakpoints}, animate=False)

    # -- drawing -----------------------------------------------------------------------------

    def update_parts(self, changed: set[str]) -> None:
        """Redraw the parts the model says changed."""
        try:
            self._update_parts(changed)
        except NoMatches:  # the app is closing: its widgets went before this message came
            return

    def _update_parts(self, changed: set[str]) -> None:
        if not self._drawable:
            return
        model = self.model
        steps = self.query_one(StepList)
        detail = self.query_one(StepDetail)
        if changed & {parts.STEPS, parts.CHECKLIST}:
            steps.refresh_states()
            self.refresh_bindings()  # `f` comes and goes with a bake or a wait
            if parts.STEPS in changed:
                steps.follow(model.current)
        if changed & {parts.DETAIL, parts.STEPS, parts.CHECKLIST, parts.NOTICES}:
            detail.show_step(steps.shown_id if steps.shown_id != "checklist" else None)
        # The panels follow the step that last reported, not the step the session is on: while
        # a rollback verifies, and after it, they still show the canary that breached.
        if parts.GUARDRAILS in changed:
            watched = model.step(model.watched)
            readings = watched.guardrails.values() if watched else ()
            self.query_one(GuardrailPanel).show_readings(model.watched, readings)
        if parts.PROGRESS in changed:
            moving = model.step(model.progressing)
            detail_map = moving.progress.detail if moving and moving.progress else {}
            self.query_one(RefreshPanel).show_refresh(detail_map.get("refresh"))
            self.query_one(TrafficPanel).show_split(detail_map.get("weights"))
            self.query_one(RolloutPanel).show_detail(detail_map)

    def tick(self, now: datetime, pending: PendingQuestion | None) -> None:
        """Redraw what moves with the clock: the header's countdowns and the status bar."""
        if not self._drawable:
            return
        try:
            self.query_one(SessionHeader).show_session(self.model, now)
            where = self.host.replay_where() if self.replay else ""
            self.query_one(StatusBar).show_status(
                self.model, pending, now, self.replay, where, self.watching
            )
            self.query_one(TrafficPanel).tick(now)
        except NoMatches:  # the app is closing
            return

    def add_records(self, records: list[Any]) -> None:
        """New audit records for the tail (kept until the screen is mounted)."""
        if not self._drawable:
            self._early_records.extend(records)
        elif records:
            for tail in self.query(AuditTail):  # none while the app closes
                tail.add_records(records)

    def show_summary(self, rows: list[tuple[str, str]]) -> None:
        """The session is over: its end summary heads the story (kept until mounted)."""
        if not self._drawable:
            self._early_summary = rows
            return
        self.query_one(DebriefPanel).show_summary(rows)

    def show_debrief(self, title: str, rows: list[tuple[str, str]]) -> None:
        """The drill is over: its debrief heads the story (kept until the screen is mounted)."""
        if not self._drawable:
            self._early_debrief = (title, rows)
            return
        self.query_one(DebriefPanel).show_debrief(title, rows)

    def _look_at(self, option_id: str | None) -> None:
        """The step list's highlight moved: show that step (the checklist: the overview)."""
        if not self._drawable:
            return  # `on_mount` shows the highlighted step
        try:
            self.query_one(StepDetail).show_step(None if option_id == "checklist" else option_id)
        except NoMatches:  # the app is closing
            return

    # -- keys --------------------------------------------------------------------------------

    def action_toggle_panels(self) -> None:
        """Cycle: step and panels → panels only → step only."""
        self.panel_mode = PANEL_MODES[(PANEL_MODES.index(self.panel_mode) + 1) % 3]
        # Styles set on the two panes, not a class on the screen: a screen class re-applies the
        # stylesheet to every widget, which made this key slow to repaint.
        detail, panels = self.query_one("#story"), self.query_one("#panels")
        detail.display = self.panel_mode != "panels"
        panels.display = self.panel_mode != "step"
        panels.styles.width = "1fr" if self.panel_mode == "panels" else None
        self.notify(f"Showing: {self.panel_mode.replace('both', 'step and panels')}", timeout=2)

    def action_continue(self) -> None:
        """Bring back the question waiting for an answer."""
        self.host.reopen_question()

    def action_pause(self) -> None:
        """Ask the engine to pause at its next safe point."""
        self.host.request_pause()

    def action_rollback(self) -> None:
        """Roll back now, after a confirmation."""
        self.host.confirm_rollback()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`f` is shown (and works) only while a rehearsal's bake or wait is under way: the
        footer offers it when there is something to fast-forward (refreshed as steps move)."""
        if action == "fast_forward":
            return self.model.waiting_out and not self.replay
        return True

    def action_fast_forward(self) -> None:
        """Rehearsal: run the bake or wait under way at the world's fastest speed."""
        self.host.fast_forward()

    def action_note(self) -> None:
        """Add a note to the audit log."""
        self.host.ask_note(self.model.current)

    def action_quit_session(self) -> None:
        """Leave: asks how, while the session runs."""
        self.host.quit_session()

    def action_help(self) -> None:
        """List every key."""
        from tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(REPLAY_KEYS if self.replay else LIVE_KEYS))

    def action_toggle_play(self) -> None:
        """Replay: pause or resume playback."""
        self.host.replay_toggle()

    def action_faster(self) -> None:
        """Replay: double the speed."""
        self.host.replay_speed(2.0)

    def action_slower(self) -> None:
        """Replay: halve the speed."""
        self.host.replay_speed(0.5)


class ReplayScreen(SessionScreen, inherit_bindings=False):
    """The same screen for `turnout replay`, with the replay's keys instead of the live ones."""

    BINDINGS = REPLAY_KEYS

    def __init__(self, model: SessionModel) -> None:
        super().__init__(model, replay=True)
