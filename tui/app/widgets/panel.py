"""The frame every live panel shares: a bordered box that hides itself when it has nothing."""

from __future__ import annotations

from rich.console import Group
from textual.app import RenderResult
from textual.geometry import Region, Size

from tui.app.textual_compat import RenderHook, forget_drawing
from tui.app.widgets.rendered import RenderedOnce


class Panel(RenderHook):
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

    _measuring: int | None = None
    """The content width layout is measuring the panel's height for, while it does."""
    _measured: int | None = None
    """The width it last measured for."""
    _drawing: RenderedOnce | None = None
    """The last drawing (`render`'s Group), with its segments."""

    def show(self, visible: bool) -> None:
        """Show or hide the panel (a panel with no data takes no room)."""
        self.set_class(visible, "-has-data")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The height at `width`. Panels that draw to their width read `content_region` in
        `render`; here it answers with the width being measured (see `content_region`), and
        what was drawn for another width is dropped: Textual keeps one drawing per layout,
        whatever the width, so a bar drawn 50 wide was measured, and shown, in 48 columns
        (wrapped onto a line of its own) when a scrollbar came."""
        self._measuring = width
        if self._measured != width:
            self._measured = width
            forget_drawing(self)
        try:
            return super().get_content_height(container, viewport, width)
        finally:
            self._measuring = None

    @property
    def content_region(self) -> Region:
        """The content's region; while layout measures the panel, one of the width it measures
        for. The region Textual would give then is the one from before this layout (the panel
        may not have one yet), and finding it arranged the whole screen again inside the
        layout: a bar drawn at the old width wrapped onto a second line, and every relayout
        cost a second full arrangement."""
        if self._measuring is not None:
            return Region(0, 0, self._measuring, 0)
        return super().content_region

    def prepare_render(self, renderable: RenderResult) -> RenderResult:
        """A Group keeps its segments while `render` returns the same Group (the guardrail
        panel does until the next poll or width).

        Textual renders a panel's drawing to measure its height and renders it again to
        draw it, and again after every relayout that resized anything, though the drawing
        is the same: for forty guardrails, 7 ms each time, on every poll and every key that
        moves the panes."""
        if not isinstance(renderable, Group):
            return renderable
        if self._drawing is None or self._drawing.renderable is not renderable:
            self._drawing = RenderedOnce(renderable)
        return self._drawing
