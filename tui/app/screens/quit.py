"""Leaving while a session runs: pause it and keep it resumable, or roll back first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

PAUSE, ROLLBACK = "pause", "rollback"
"""What the operator chose (None: keep going)."""


class QuitScreen(ModalScreen[str | None]):
    """`p` pause (resumable, but for a rehearsal) · `r` roll back, then leave · Escape: stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "choose('pause')", "Pause and leave"),
        Binding("r", "choose('rollback')", "Roll back and leave"),
        Binding("escape", "choose('')", "Keep going"),
    ]

    def __init__(self, *, rehearsal: bool = False) -> None:
        super().__init__()
        self.rehearsal = rehearsal  # a rehearsal cannot be resumed: never promise it

    def compose(self) -> ComposeResult:
        """The question and its three answers."""
        after = (
            "a rehearsal cannot be resumed (its world ends with it): rehearse again"
            if self.rehearsal
            else "it stays resumable with [b]turnout resume[/b]"
        )
        with Vertical(id="quit"):
            yield Static("[b]Leave this session?[/b]")
            yield Static(
                "The session is still running. [b]Pause[/b] stops it at the next safe point "
                f"(a question open now is taken down); {after}. [b]Roll back[/b] undoes what "
                "was done first. Either way the app closes when the engine has stopped."
            )
            with Horizontal(id="quit-choices"):
                for key, label, choice in (
                    ("p", "Stop here" if self.rehearsal else "Pause, keep resumable", PAUSE),
                    ("r", "Roll back", ROLLBACK),
                    ("Esc", "Keep going", ""),
                ):
                    # Text, not a string: "[p]" as markup was a tag, and the keys never showed.
                    button = Button(Text(f"[{key}] {label}"), id=f"quit-{choice or 'stay'}")
                    button.can_focus = False
                    yield button

    def action_choose(self, choice: str) -> None:
        """Close with the choice."""
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "").removeprefix("quit-")
        self.dismiss(None if choice == "stay" else choice)
