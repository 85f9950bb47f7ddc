"""The frame every live panel shares: a bordered box that hides itself when it has nothing."""

from __future__ import annotations

from textual.widget import Widget


class Panel(Widget):
    """A live panel: bordered, titled, shown only while it has something to show."""

    DEFAULT_CSS = """
    Panel {
        height: auto;
        border: round $primary 60%;
        padding: 0 1;
        display: none;
    }
    Panel.-has-data { display: block; }
    """

    def show(self, visible: bool) -> None:
        """Show or hide the panel (a panel with no data takes no room)."""
        self.set_class(visible, "-has-data")
