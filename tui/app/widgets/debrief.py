"""The end of the session on the session screen: the summary every session ends with (outcome,
what AWS shows now, the session, what next, the last hash; tui/engine/summary.py) and, after a
rehearsal, the debrief: what users lived through against what the session saw and did (built by
`turnout rehearse`, which has the world)."""

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
        self.border_title = "Session ended"
        self._summary: list[tuple[str, str]] = []
        self._debrief: list[tuple[str, str]] = []
        self._table: Table | None = None

    def show_summary(self, rows: list[tuple[str, str]]) -> None:
        """Draw the end summary's rows (first, above a debrief that comes later)."""
        self._summary = rows
        self._draw()

    def show_debrief(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Draw the debrief's rows under its title (below the summary)."""
        self._debrief = rows
        self.border_title = title
        self._draw()

    def _draw(self) -> None:
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column("what", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for what, value in self._debrief:
            table.add_row(what, value)
        if self._debrief and self._summary:
            table.add_row("", "")
        for what, value in self._summary:
            if what == "outcome" and self._debrief:
                continue  # the debrief's own first row says it
            table.add_row(what, value)
        self._table = table
        self.show(True)
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """The table (nothing until the drill is over: the panel is hidden until then)."""
        return self._table if self._table is not None else ""
