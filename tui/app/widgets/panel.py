"""The frame every live panel shares: a bordered box that hides itself when it has nothing."""

from __future__ import annotations

from textual.geometry import Region, Size
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

    _measuring: int | None = None
    """The content width layout is measuring the panel's height for, while it does."""
    _measured: int | None = None
    """The width it last measured for."""

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
            self._layout_cache.pop("_render.visual", None)  # Textual's (textual is pinned)
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
