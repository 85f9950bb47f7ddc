"""The guardrail chart: what a person reads off it at a glance."""

from __future__ import annotations

from tui.app.widgets.chart import THRESHOLD_MARK, threshold_chart


def _bars(line) -> str:
    return "".join(ch for ch in line.plain if ch not in f" {THRESHOLD_MARK}")


def test_a_steps_first_datapoints_are_wide_bars_not_two_cells() -> None:
    _top, bottom = threshold_chart([0.2, 0.3], minimum=None, maximum=1.0, width=90, slots=15)
    # 90 columns for 15 datapoints: 6 columns each, 5 of bar and a gap.
    assert len(_bars(bottom)) == 10
    assert bottom.plain.rstrip().endswith("▃▃▃▃▃ ▄▄▄▄▄")
    assert len(bottom.plain) == 90


def test_the_threshold_runs_across_the_whole_width() -> None:
    lines = threshold_chart([0.1], minimum=None, maximum=1.0, width=60, slots=15)
    dashed = [line for line in lines if THRESHOLD_MARK in line.plain]
    assert len(dashed) == 1
    # Everything left of the one bar, and the gap after it, is the dashed bound.
    assert dashed[0].plain.count(THRESHOLD_MARK) == 60


def test_breaching_bars_are_red_and_healthy_ones_are_not() -> None:
    lines = threshold_chart([0.5, 2.0], minimum=None, maximum=1.0, width=30, slots=2)
    styles = {str(span.style) for line in lines for span in line.spans}
    assert "bold red" in styles and "cyan" in styles
    # The breaching datapoint is the newer one: its bar is the right half, the only red.
    red_columns = {
        column
        for line in lines
        for span in line.spans
        if str(span.style) == "bold red"
        for column in range(span.start, span.end)
    }
    assert red_columns and min(red_columns) >= 15


def test_more_datapoints_than_slots_still_fit_newest_kept() -> None:
    values = [float(n) for n in range(100)]
    lines = threshold_chart(values, minimum=None, maximum=None, width=40, slots=15)
    assert all(len(line.plain) == 40 for line in lines)
    # One column each: the newest 40 are shown, so the last column is the tallest bar.
    assert lines[-1].plain[-1] == "█"
