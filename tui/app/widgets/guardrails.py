"""The guardrail panel: each guardrail of the current step as a chart with its threshold, the
latest value, and the breach count against its `for`."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.text import Text

from tui.app.widgets.chart import number_text, threshold_chart
from tui.app.widgets.panel import Panel
from tui.engine.events import GuardrailReading
from tui.engine.guardrails import HISTORY


def bound_text(reading: GuardrailReading) -> str:
    """`≤ 1`, `≥ 2`, `2–10`: the healthy band."""
    low, high = reading.minimum, reading.maximum
    if low is not None and high is not None:
        return f"{number_text(low)}–{number_text(high)}"
    if high is not None:
        return f"≤ {number_text(high)}"
    return f"≥ {number_text(low)}" if low is not None else "no bound"


def verdict(reading: GuardrailReading) -> Text:
    """The reading in words (never colour alone): ok, breaching n/for, BREACHED, no data."""
    count = f"{reading.breaches}/{reading.needed}"
    if reading.breached:
        return Text(f"✗ BREACHED {count} → {reading.severity}", style="bold red")
    if reading.missing or reading.value is None:
        return Text(f"? no data {count}", style="yellow")
    if reading.breaches:
        return Text(f"! breaching {count}", style="bold yellow")
    return Text(f"✓ ok {count}", style="green")


def reading_lines(reading: GuardrailReading, width: int, height: int = 2) -> list[Text]:
    """The lines one guardrail takes: name, value, band and verdict; then its chart."""
    head = Text(reading.name, style="bold")
    head.append(f"  {number_text(reading.value)}", style="bold")
    head.append(f" ({bound_text(reading)})  ", style="dim")
    head.append_text(verdict(reading))
    values = [v for _, v in reading.points]
    if reading.value is not None and not values:
        values = [reading.value]
    chart = threshold_chart(
        values,
        minimum=reading.minimum,
        maximum=reading.maximum,
        width=width,
        height=height,
        slots=HISTORY,  # as many as the engine sends: the bars keep their width as they come
    )
    return [head, *chart]


class GuardrailPanel(Panel):
    """Sparklines of the current step's guardrails."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Guardrails"
        self._readings: list[GuardrailReading] = []
        self._step: str | None = None
        self._drawn: tuple[int, Group] | None = None  # (width, lines) for the readings shown

    def show_readings(self, step: str | None, readings: Iterable[GuardrailReading]) -> None:
        """Draw these readings (the newest of each guardrail of `step`)."""
        self._step = step
        self._readings = list(readings)
        self._drawn = None
        self.border_subtitle = step or ""
        self.show(bool(self._readings))
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """Every guardrail, one after another (drawn once per poll and width: layout asks for
        the height and then the lines, and a key press relayouts without a new poll)."""
        width = max(10, self.content_region.width or 40)
        if self._drawn is not None and self._drawn[0] == width:
            return self._drawn[1]
        # Short terminals get one-row charts so the traffic split still fits below them.
        height = 2 if self.app.size.height >= 36 else 1
        lines: list[Text] = []
        for reading in self._readings:
            lines.extend(reading_lines(reading, width, height))
        self._drawn = (width, Group(*lines))
        return self._drawn[1]
