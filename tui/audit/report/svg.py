"""A small inline SVG chart of one guardrail's polls: the line, the bound, breaches, decisions.

Colours are presentation attributes rather than CSS classes, so a chart copied out of the report
on its own still looks the same.
Plain SVG elements with `<title>` tooltips, no script, so the HTML report works from an email
attachment or a ticket system that strips JavaScript. Coordinates are rounded so the output is
byte-stable for the golden tests.
"""

from __future__ import annotations

from html import escape

from tui.audit.report.model import Series

WIDTH, HEIGHT, PAD = 360, 90, 8
SVG_NS = "http://www.w3.org/2000/svg"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def chart(series: Series) -> str:
    """The SVG element for `series` (an empty-state text when no poll had a number)."""
    values = [v for _, v, _ in series.points if v is not None]
    bounds = [float(series.threshold[k]) for k in ("min", "max") if k in series.threshold]
    label = escape(f"{series.name} in {series.step}")
    if not values:
        return (
            f'<svg xmlns="{SVG_NS}" width="{WIDTH}" height="{HEIGHT}" role="img" '
            f'aria-label="{label}"><text x="{PAD}" y="{HEIGHT // 2}">no data</text></svg>'
        )
    low = min([*values, *bounds, 0.0])
    high = max([*values, *bounds])
    high = high if high > low else low + 1.0
    times = [t for t, _, _ in series.points] + [t for t, _ in series.marks]
    t0, t1 = min(times), max(times)
    t1 = t1 if t1 > t0 else t0 + 1.0

    def x(t: float) -> float:
        return PAD + (t - t0) / (t1 - t0) * (WIDTH - 2 * PAD)

    def y(v: float) -> float:
        return HEIGHT - PAD - (v - low) / (high - low) * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg xmlns="{SVG_NS}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fafbfc" stroke="#dde"/>',
    ]
    for bound in bounds:
        parts.append(
            f'<line stroke="#c0392b" stroke-dasharray="4 3" x1="{PAD}" x2="{WIDTH - PAD}" '
            f'y1="{_fmt(y(bound))}" y2="{_fmt(y(bound))}"><title>bound {_fmt(bound)}</title></line>'
        )
    for t, text in series.marks:
        parts.append(
            f'<line stroke="#8e44ad" x1="{_fmt(x(t))}" x2="{_fmt(x(t))}" y1="{PAD}" '
            f'y2="{HEIGHT - PAD}"><title>{escape(text)}</title></line>'
        )
    points = " ".join(f"{_fmt(x(t))},{_fmt(y(v))}" for t, v, _ in series.points if v is not None)
    parts.append(f'<polyline fill="none" stroke="#3867d6" stroke-width="1.5" points="{points}"/>')
    for t, v, breached in series.points:
        if v is None:
            continue
        colour = "#c0392b" if breached else "#3867d6"
        parts.append(
            f'<circle fill="{colour}" cx="{_fmt(x(t))}" cy="{_fmt(y(v))}" r="3">'
            f"<title>{_fmt(v)}{' breached' if breached else ''}</title></circle>"
        )
    parts.append(
        f'<text font-size="10" fill="#667" x="{WIDTH - PAD}" y="{PAD + 8}" text-anchor="end">'
        f"max {_fmt(high)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
