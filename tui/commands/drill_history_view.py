"""A trainee's drill history for people: a table on the terminal, or one self-contained HTML
page (inline CSS and SVG, no script, nothing fetched) with a chart of the scores over time."""

from __future__ import annotations

from html import escape

from tui.rehearsal.drill_history import History, Result
from tui.rehearsal.drill_score import PASS_MARK


def _when(result: Result) -> str:
    return result.when.strftime("%Y-%m-%d %H:%M")


def _played(result: Result) -> str:
    mark = "passed" if result.passed else "not passed"
    blind = ", blind" if result.blind else ""
    return f"{result.points} ({mark}; {result.scenario}{blind}; {_when(result)})"


def summary_rows(history: History) -> list[tuple[str, str, str, str, str]]:
    """(drill, plays, best, latest, what the latest missed) per drill."""
    rows = []
    for drill in history.drills():
        latest = history.latest(drill)
        missed = "; ".join(latest.missed) or "nothing"
        rows.append(
            (
                drill,
                str(len(history.of(drill))),
                _played(history.best(drill)),
                _played(latest),
                missed,
            )
        )
    return rows


def print_history(history: History) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True, highlight=False)
    if not history.results:
        console.print(
            f"no drills played yet by {history.trainee}: start with "
            "`turnout drill run first-canary`"
        )
        return
    table = Table(title=f"Drills of {history.trainee}", show_lines=True)
    table.add_column("drill", no_wrap=True)
    for column in ("plays", "best", "latest", "the latest missed"):
        table.add_column(column, overflow="fold")
    for row in summary_rows(history):
        table.add_row(*row)
    console.print(table)
    if history.unreadable:
        console.print(f"({history.unreadable} line(s) of the history could not be read)")


_WIDTH, _HEIGHT, _PAD = 640, 240, 36
_COLOURS = ("#1b6ac9", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#2c3e50")


def score_chart(history: History) -> str:
    """An inline SVG: each drill's scores in the order played, the pass mark as a line."""
    results = history.results
    if not results:
        return ""
    inner_w, inner_h = _WIDTH - 2 * _PAD, _HEIGHT - 2 * _PAD
    step = inner_w / max(len(results) - 1, 1)
    rows = (len(history.drills()) + 3) // 4  # the legend, four drills a row, under the plot
    height = _HEIGHT + 14 * rows

    def y(points: int) -> float:
        return _PAD + inner_h * (1 - points / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" role="img" aria-label="scores over time">',
        f'<rect x="{_PAD}" y="{_PAD}" width="{inner_w}" height="{inner_h}" fill="#fafafa" '
        'stroke="#ccc"/>',
        f'<line x1="{_PAD}" x2="{_WIDTH - _PAD}" y1="{y(PASS_MARK):.1f}" y2="{y(PASS_MARK):.1f}" '
        'stroke="#999" stroke-dasharray="4 3"/>',
        f'<text x="{_WIDTH - _PAD + 4}" y="{y(PASS_MARK) + 4:.1f}" font-size="11">pass</text>',
    ]
    for points in (0, 50, 100):
        parts.append(
            f'<text x="{_PAD - 6}" y="{y(points) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{points}</text>'
        )
    index = {id(r): i for i, r in enumerate(results)}
    for n, drill in enumerate(history.drills()):
        colour = _COLOURS[n % len(_COLOURS)]
        points = [(_PAD + step * index[id(r)], y(r.points), r) for r in history.of(drill)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{v:.1f}" for x, v, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}"/>')
        for x, v, r in points:
            tip = escape(f"{drill}: {r.points} on {r.scenario}, {_when(r)}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{v:.1f}" r="4" fill="{colour}"><title>{tip}</title>'
                "</circle>"
            )
        parts.append(
            f'<text x="{_PAD + 4 + 150 * (n % 4)}" y="{_HEIGHT - 8 + 14 * (n // 4)}" '
            f'font-size="11" fill="{colour}">● {escape(drill)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def history_html(history: History) -> str:
    """The whole page: the chart, the summary table, every result."""
    title = f"Drills of {history.trainee}"
    summary = "\n".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in summary_rows(history)
    )
    every = "\n".join(
        f"<tr><td>{escape(_when(r))}</td><td>{escape(r.drill)}</td><td>{escape(r.scenario)}"
        f"{' (blind)' if r.blind else ''}</td><td>{r.points}</td>"
        f"<td>{escape(r.outcome.replace('_', ' '))}</td>"
        f"<td>{r.errors} of {r.requests}</td><td>{escape('; '.join(r.missed) or '—')}</td></tr>"
        for r in reversed(history.results)
    )
    empty = "<p>No drills played yet: <code>turnout drill run first-canary</code>.</p>"
    empty = "" if history.results else empty
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }}
th {{ background: #f0f0f0; }}
</style></head><body>
<h1>{escape(title)}</h1>
{empty}
{score_chart(history)}
<h2>Best and latest per drill</h2>
<table><tr><th>drill</th><th>plays</th><th>best</th><th>latest</th><th>the latest missed</th></tr>
{summary}
</table>
<h2>Every drill played</h2>
<table><tr><th>when (UTC)</th><th>drill</th><th>scenario</th><th>score</th><th>outcome</th>
<th>errors served</th><th>missed</th></tr>
{every}
</table>
</body></html>
"""
