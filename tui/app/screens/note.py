"""A modal to add a note to the audit log (attached to the step on screen)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteScreen(ModalScreen[str | None]):
    """Type a note; Enter keeps it, Escape drops it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, step: str | None) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        """A heading and one line to type on."""
        with Vertical(id="note"):
            where = f" (on step {self.step})" if self.step else ""
            yield Static(f"[b]Add a note to the audit log{where}[/b]")
            yield Input(placeholder="what you saw, what you decided, who you told", id="note-text")
            yield Static("[dim]Enter: save · Escape: cancel[/dim]")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Drop the note."""
        self.dismiss(None)
