"""The canary's bake counts down on screen while a question waits (issue 14: "a frozen bake
timer"). The driver is not polled while a person decides, so the panel counts from when the
bake ends, on the engine's clock, not from the remaining time of the last poll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.app.widgets.traffic import canary_line
from tui.aws.actions.elbv2 import _weights_detail

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def test_the_bake_counts_down_between_polls() -> None:
    split = _weights_detail(
        "web-alb:80", {"web-blue": 95, "web-green": 5}, 1, [5, 50, 100], 300, NOW
    )["weights"]
    assert split["bake_until"] == (NOW + timedelta(seconds=300)).isoformat()
    assert "bake 5:00 left" in canary_line(split, NOW).plain
    # Two minutes later, with no poll in between (a breach prompt waits): the bake moved on.
    assert "bake 3:00 left" in canary_line(split, NOW + timedelta(minutes=2)).plain
    assert "bake 0:00 left" in canary_line(split, NOW + timedelta(minutes=9)).plain  # never < 0


def test_a_split_without_a_bake_end_shows_what_the_last_poll_said() -> None:
    split = {
        "resource": "web-alb:80",
        "weights": {"a": 50},
        "step": 2,
        "steps": 3,
        "bake_remaining": 42,
    }
    assert "bake 0:42 left" in canary_line(split, NOW + timedelta(minutes=5)).plain
    undo = _weights_detail("web-alb:80", {"web-blue": 100, "web-green": 0})["weights"]
    assert "bake_until" not in undo and canary_line(undo, NOW).plain == ""
