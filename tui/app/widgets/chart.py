"""A small bar chart of a metric's recent values with its threshold drawn across it (Rich only).

Textual's `Sparkline` has no threshold, and the threshold is the point: the operator must see
how far the canary's error rate is from the line that rolls it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.runbook.describe import value_text

BLOCKS = " ▁▂▃▄▅▆▇█"
THRESHOLD_MARK = "╌"


def number_text(value: float | None) -> str:
    """A value at a sensible precision: `1234`, `12.3`, `0.42`; `–` for no data."""
    return "–" if value is None else value_text(value)


def threshold_chart(
    values: Sequence[float],
    *,
    minimum: float | None,
    maximum: float | None,
    width: int,
    height: int = 2,
    slots: int = 0,
) -> list[Text]:
    """`height` lines of bars, newest on the right; bars outside the band are red, the bound
    is a dashed line across the whole width where no bar covers it. Scaled from 0 (or the
    lowest value) to a little above the highest of the values and the bound.

    The chart is laid out for `slots` datapoints (or as many as there are, if more): each gets
    `width // slots` columns, so a step's first few datapoints already read as bars a person
    can see, not as two cells at the edge of an empty panel."""
    width = max(1, width)
    cell = max(1, width // max(slots, len(values), 1))
    shown = list(values)[-(width // cell) :]
    bar = cell - 1 if cell >= 3 else cell  # wide bars keep a gap, so neighbours stay apart
    bound = maximum if maximum is not None else minimum
    top = max([*shown, bound or 0.0, 1e-9]) * 1.15
    bottom = min([*shown, 0.0])
    span = (top - bottom) or 1.0
    levels_per_row = len(BLOCKS) - 1
    total_levels = height * levels_per_row

    def level(value: float) -> int:
        return max(0, min(total_levels, round((value - bottom) / span * total_levels)))

    bound_level = level(bound) if bound is not None else None
    pad = width - len(shown) * cell
    lines: list[Text] = []
    for row in range(height - 1, -1, -1):
        base = row * levels_per_row
        # One row has no room for a line: there, only the red of breaching bars (and the
        # verdict's words beside the name) mark the bound.
        on_bound = (
            height > 1 and bound_level is not None and base <= bound_level < base + levels_per_row
        )
        empty = (THRESHOLD_MARK, "yellow") if on_bound else (" ", "")
        cells: list[tuple[str, str]] = [empty] * pad
        for value in shown:
            filled = max(0, min(levels_per_row, level(value) - base))
            outside = (maximum is not None and value > maximum) or (
                minimum is not None and value < minimum
            )
            drawn = (BLOCKS[filled], "bold red" if outside else "cyan")
            cells += [empty if filled == 0 else drawn] * bar + [empty] * (cell - bar)
        lines.append(_runs(cells))
    return lines


def _runs(cells: list[tuple[str, str]]) -> Text:
    """One Text with a span per run of equal style (a span per cell made charts slow to draw)."""
    line = Text(no_wrap=True, overflow="crop")  # a wrapped chart reads as another chart
    run_chars: list[str] = []
    run_style = ""
    for char, style in cells:
        if style != run_style and run_chars:
            line.append("".join(run_chars), style=run_style)
            run_chars = []
        run_style = style
        run_chars.append(char)
    if run_chars:
        line.append("".join(run_chars), style=run_style)
    return line
