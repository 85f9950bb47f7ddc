"""The traffic split panel: the current weights as one bar (a different fill per target, so it
reads without colour), the canary step in progress and the bake time left."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from tui.app.symbols import duration_text
from tui.app.widgets.panel import Panel

# A different fill per target, so the split reads without colour; the colours are explicit so
# no theme turns "blue" purple.
FILLS = (("█", "#3b82f6"), ("▒", "#22c55e"), ("░", "#d946ef"), ("▓", "#eab308"))


def split_bar(weights: Mapping[str, float], width: int) -> Text:
    """One bar `width` cells wide, each target's share in its own fill and colour."""
    total = sum(max(0.0, float(w)) for w in weights.values()) or 1.0
    bar = Text()
    used = 0
    items = list(weights.items())
    for n, (_, weight) in enumerate(items):
        fill, colour = FILLS[n % len(FILLS)]
        cells = width - used if n == len(items) - 1 else round(max(0.0, weight) / total * width)
        cells = max(0, min(cells, width - used))
        bar.append(fill * cells, style=colour)
        used += cells
    return bar


def legend(weights: Mapping[str, float]) -> Text:
    """`█ web-blue 75 %  ▒ web-green 25 %`."""
    total = sum(max(0.0, float(w)) for w in weights.values()) or 1.0
    text = Text()
    for n, (name, weight) in enumerate(weights.items()):
        fill, colour = FILLS[n % len(FILLS)]
        share = round(100 * max(0.0, float(weight)) / total)
        text.append(f"{fill} ", style=colour)
        text.append(f"{name} {share} %", style="bold")
        text.append(f" (weight {weight:g})  " if share != weight else "  ", style="dim")
    return text


def bake_left(split: Mapping[str, Any], now: datetime | None) -> float | None:
    """Seconds of the bake left at `now` (counted from `bake_until`, so it moves between
    polls), else the remaining time of the last poll."""
    until = split.get("bake_until")
    if until and now is not None:
        return max(0.0, (datetime.fromisoformat(str(until)) - now).total_seconds())
    remaining = split.get("bake_remaining")
    return None if remaining is None else float(remaining)


def canary_line(split: Mapping[str, Any], now: datetime | None = None) -> Text:
    """`canary step 2 of 4 · bake 3:12 left`."""
    text = Text()
    step, steps = split.get("step"), split.get("steps")
    count = len(steps) if isinstance(steps, list | tuple) else steps
    if step is not None:
        text.append(f"canary step {step}" + (f" of {count}" if count else ""), style="bold")
        if isinstance(steps, list | tuple) and steps:
            text.append(f" ({', '.join(str(s) for s in steps)} %)", style="dim")
    remaining = bake_left(split, now)
    if remaining is not None:
        text.append(" · " if text else "")
        text.append(f"bake {duration_text(float(remaining))} left", style="yellow")
    return text


class TrafficPanel(Panel):
    """Weighted traffic between blue and green (ALB target groups or Route 53 records)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Traffic split"
        self._split: Mapping[str, Any] = {}
        self._now: datetime | None = None

    def tick(self, now: datetime) -> None:
        """The clock moved: count the bake down (no repaint when nothing shown moves)."""
        before = canary_line(self._split, self._now).plain
        self._now = now
        if self._split.get("bake_until") and canary_line(self._split, now).plain != before:
            self.refresh()

    def show_split(self, split: Mapping[str, Any] | None) -> None:
        """Draw the `weights` detail of a Progress (tui/aws/protocol.py), or hide."""
        self._split = split or {}
        self.show(bool(split))
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """Resource, bar, legend, canary line."""
        weights = {str(k): float(v) for k, v in (self._split.get("weights") or {}).items()}
        width = max(10, self.content_region.width or 40)
        lines = [
            Text(str(self._split.get("resource") or ""), style="dim"),
            split_bar(weights, width),
            legend(weights),
        ]
        canary = canary_line(self._split, self._now)
        if canary:
            lines.append(canary)
        return Group(*lines)
