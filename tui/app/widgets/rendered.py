"""A rich renderable rendered once per width, for the drawings Textual renders twice."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text


def rendered_once(renderable: RenderableType) -> RenderableType:
    """`renderable` in a `RenderedOnce`; text as it is (Textual draws text its own way, and
    measures it without rendering it)."""
    if isinstance(renderable, str | Text):
        return renderable
    return RenderedOnce(renderable)


class RenderedOnce:
    """`renderable`, rendered once per set of options that changes its segments (the width,
    the justification, …; not the height, which lines, tables and Markdown do not use).

    Textual renders a widget's rich renderable to measure its height, then again to draw
    it: a table of a step's facts, forty guardrail charts. Wrapped in this, the second
    rendering reuses the first's segments."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._segments: dict[tuple[object, ...], list[Segment]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        key = (
            options.max_width,
            options.min_width,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.highlight,
            options.markup,
        )
        segments = self._segments.get(key)
        if segments is None:
            segments = self._segments[key] = list(console.render(self.renderable, options))
        return segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)
