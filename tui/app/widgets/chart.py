"""A small bar chart of a metric's recent values with its threshold drawn across it (Rich only).

Textual's `Sparkline` has no threshold, and the threshold is the point: the operator must see
how far the canary's error rate is from the line that rolls it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"
THRESHOLD_MARK = "╌"


def number_text(value: float | None) -> str:
    """A value at a sensible precision: `1234`, `12.3`, `0.42`; `–` for no data."""
    if value is None:
        return "–"
    size = abs(value)
    if size >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def threshold_chart(
    values: Sequence[float],
    *,
    minimum: float | None,
    maximum: float | None,
    width: int,
    height: int = 2,
) -> list[Text]:
    """`height` lines of bars, newest on the right; bars outside the band are red, the bound
    is a dashed line where no bar covers it. Scaled from 0 (or the lowest value) to a little
    above the highest of the values and the bound."""
    width = max(1, width)
    shown = list(values)[-width:]
    bound = maximum if maximum is not None else minimum
    top = max([*shown, bound or 0.0, 1e-9]) * 1.15
    bottom = min([*shown, 0.0])
    span = (top - bottom) or 1.0
    levels_per_row = len(BLOCKS) - 1
    total_levels = height * levels_per_row

    def level(value: float) -> int:
        return max(0, min(total_levels, round((value - bottom) / span * total_levels)))

    bound_level = level(bound) if bound is not None else None
    pad = width - len(shown)
    lines: list[Text] = []
    for row in range(height - 1, -1, -1):
        line = Text(" " * pad)
        base = row * levels_per_row
        for value in shown:
            filled = max(0, min(levels_per_row, level(value) - base))
            outside = (maximum is not None and value > maximum) or (
                minimum is not None and value < minimum
            )
            on_bound = bound_level is not None and base <= bound_level < base + levels_per_row
            if filled == 0 and on_bound:
                line.append(THRESHOLD_MARK, style="yellow")
            else:
                line.append(BLOCKS[filled], style="bold red" if outside else "cyan")
        lines.append(line)
    return lines
