"""`KeyActions`, the base of `TurnoutApp`: what the operator's keys ask of the session
(continue, pause, roll back, note, quit, a rehearsal's fast-forward, and the replay's play/pause
and speed), and the state of the app those keys read. `TurnoutApp` (app.py) adds how the session
reaches the app.

Every request to the engine runs in a thread worker: the engine's methods are thread-safe but
may write the audit log (an fsync), which must not stall the event loop. The modals are imported
when first opened, not before the session screen's first paint.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from tui.app.model import SessionModel
    from tui.app.question import PendingQuestion
    from tui.app.replay import ReplayPlayer
    from tui.app.screens.question import QuestionScreen
    from tui.app.session_port import SessionControl


class KeyActions(App[int]):
    """The key actions of `TurnoutApp`, and what they read (`TurnoutApp.__init__` sets it)."""

    model: SessionModel
    who: str
    control: SessionControl | None
    """The engine's session, once the engine's worker has made it."""
    player: ReplayPlayer | None
    pending: PendingQuestion | None
    """The question the status bar counts down."""
    exit_code: int | None
    leaving: bool
    """Quit was chosen: leave once the engine has stopped."""

    @property
    def replaying(self) -> bool:
        """True for `turnout replay`."""
        return self.player is not None

    def tick(self) -> None:
        """Redraw the countdowns and the status bar, after a request changed what they say.
        `TurnoutApp.tick` does it: the clock and the session screen are the app's."""
        raise NotImplementedError

    def question_screens(self) -> list[QuestionScreen]:
        """The question modals open, bottom first. With the session screen alone on the stack
        there is none, and the modal's module is not imported just to look."""
        if len(self.screen_stack) < 2:
            return []
        from tui.app.screens.question import QuestionScreen

        return [screen for screen in self.screen_stack if isinstance(screen, QuestionScreen)]

    def _engine_call(self, what: str, call: object) -> None:
        self.run_worker(
            call,
            thread=True,
            group="engine-request",  # type: ignore[arg-type]
            description=what,
            exit_on_error=False,
        )

    def _live(self, what: str) -> bool:
        """Whether the engine can take a request now; says why not when it cannot."""
        if self.replaying:
            self.notify(f"This is a replay: nothing to {what}.", timeout=3)
            return False
        if self.model.ended is not None:
            self.notify(f"The session has ended: nothing to {what}. Press q to leave.", timeout=4)
            return False
        if self.control is None:
            self.notify("The session is still starting; try again in a moment.", timeout=3)
            return False
        return True

    def reopen_question(self) -> None:
        """`c`: bring back the question waiting for an answer."""
        pending = self.pending
        if pending is None or pending.settled:
            self.notify("Nothing is waiting for you: the session carries on by itself.", timeout=3)
        elif not self.question_screens():
            from tui.app.screens.question import QuestionScreen

            self.push_screen(QuestionScreen(pending, self.who, replay=self.replaying))

    def request_pause(self) -> None:
        """`p`: pause at the engine's next safe point."""
        if not self._live("pause"):
            return
        assert self.control is not None
        self.model.pause_requested = True
        self._engine_call("pausing the session", self.control.request_pause)
        self.notify(
            "Pause requested: the session stops at the next safe point and stays resumable.",
            timeout=5,
        )
        self.tick()

    def confirm_rollback(self) -> None:
        """`r`: ask the engine to roll back; it confirms with the operator at its next safe
        point (a ROLLBACK question, logged like every other), then undoes the steps."""
        if not self._live("roll back"):
            return
        if self.model.rolling_back:
            self.notify("A rollback is already under way.", timeout=3)
            return
        assert self.control is not None
        self._engine_call(
            "asking to roll back",
            partial(self.control.request_rollback, self.who, "the operator pressed r"),
        )
        self.notify(
            "Rollback requested: turnout asks you to confirm at its next safe point.",
            severity="warning",
            timeout=6,
        )

    def fast_forward(self) -> None:
        """`f` (rehearsals): run the bake or wait under way at the world's fastest speed; the
        engine records it, or says there is nothing to fast-forward."""
        if not self._live("fast-forward"):
            return
        if not self.model.rehearsal:
            self.notify("Fast-forward is for rehearsals: real AWS runs at its own pace.", timeout=4)
            return
        assert self.control is not None
        self._engine_call("fast-forwarding", partial(self.control.request_fast_forward, self.who))

    def ask_note(self, step: str | None) -> None:
        """`n`: type a note for the audit log."""
        if not self._live("note"):
            return
        from tui.app.screens.note import NoteScreen

        self.push_screen(NoteScreen(step), callback=self._save_note)

    def _save_note(self, text: str | None) -> None:
        if text and self.model.ended is not None:  # it ended while the note was typed
            self.notify(
                f"The session has ended and its log is closed; the note was not saved: {text}",
                severity="warning",
                timeout=15,
                markup=False,
            )
        elif text and self.control is not None:
            self._engine_call("saving a note", partial(self.control.add_note, text))
            self.notify("Note saved to the audit log.", timeout=3)

    def quit_session(self) -> None:
        """`q`: leave at once if the session is over; else ask: pause, or roll back."""
        if self.replaying or self.model.ended is not None or self.control is None:
            if self.player is not None:
                self.player.stop()
            self.exit(self.exit_code if self.exit_code is not None else 0)
            return
        if self.leaving:
            self.notify("Leaving as soon as the engine stops; waiting for it.", timeout=3)
            return
        from tui.app.screens.quit import QuitScreen

        self.push_screen(
            QuitScreen(rehearsal=bool(self.model.rehearsal)), callback=self._quit_chosen
        )

    def _quit_chosen(self, choice: str | None) -> None:
        from tui.app.screens.quit import PAUSE, ROLLBACK

        if choice == PAUSE:
            self.leaving = True
            self.request_pause()
        elif choice == ROLLBACK and self.control is not None:
            self.leaving = True
            self._engine_call(
                "rolling back",
                partial(self.control.request_rollback, self.who, "the operator chose quit"),
            )
            self.notify(
                "Rolling back; the app closes when the rollback has finished.",
                severity="warning",
                timeout=6,
            )

    def action_quit_session(self) -> None:
        """Ctrl+C: the same as q (never kills a session without asking)."""
        self.quit_session()

    def replay_toggle(self) -> None:
        """Replay: pause or resume playback."""
        if self.player is not None:
            playing = self.player.toggle()
            self.notify("Playing" if playing else "Paused", timeout=2)
            self.tick()

    def replay_where(self) -> str:
        """Replay: where it stands, for the status bar (a watch's follower says nothing: it is
        always at the end of the log)."""
        return self.player.where() if self.player is not None else ""

    def replay_speed(self, factor: float) -> None:
        """Replay: multiply the speed by `factor` (between 0.25× and 1000×)."""
        if self.player is not None:
            self.player.speed = min(1000.0, max(0.25, self.player.speed * factor))
            self.notify(f"Speed {self.player.speed:g}×", timeout=2)
            self.tick()
