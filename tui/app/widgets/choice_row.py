"""The question modal's row of choices: side by side, or one under another when they do not fit."""

from __future__ import annotations

from textual import events
from textual.containers import Horizontal
from textual.widgets import Button


class ChoiceRow(Horizontal):
    """The choices' buttons side by side while they fit the row; else stacked (`-stacked` in
    app.tcss), each a line high: a choice cut off at the modal's edge ("[r] Rol") is a choice
    nobody can read.

    Whether they fit is measured, not worked out here: app.tcss sizes the modal, and so this
    row, and the buttons (label, padding, minimum width, margin)."""

    _side_by_side: int | None = None
    """The width the buttons take side by side, as first laid out (before any stacking)."""

    def on_resize(self, event: events.Resize) -> None:
        """Stack the buttons when the row is narrower than they are side by side."""
        buttons = list(self.query(Button))
        if self._side_by_side is None:
            self._side_by_side = sum(b.outer_size.width + b.styles.margin.width for b in buttons)
        stacked = self._side_by_side > event.size.width
        self.set_class(stacked, "-stacked")
        for button in buttons:
            button.compact = stacked
