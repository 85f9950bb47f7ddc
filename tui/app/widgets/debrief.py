"""The rehearsal's debrief on the session screen once the drill is over: what users lived
through against what the session saw and did (built by `turnout rehearse`, which has the world)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table

from tui.app.widgets.panel import Panel


class DebriefPanel(Panel):
    """Time to detect, time to roll back, errors served: the numbers a drill is judged by."""

    DEFAULT_CSS = """
    DebriefPanel { border: round $success; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Debrief"
        self._table: Table | None = None

    def show_debrief(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Draw the debrief's rows under its title."""
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column("what", style="bold", no_wrap=True)
        table.add_column("value")
        for what, value in rows:
            table.add_row(what, value)
        self._table = table
        self.border_title = title
        self.show(True)
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """The table (nothing until the drill is over: the panel is hidden until then)."""
        return self._table if self._table is not None else ""
