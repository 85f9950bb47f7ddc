"""The instance-refresh panel's summary line: where the refresh stands against its checkpoints."""

from __future__ import annotations

from tui.app.widgets.refresh import refresh_summary


def _refresh(percent: int, status: str = "InProgress") -> dict:
    return {"status": status, "percent": percent, "instances_to_update": 2, "checkpoint": 50}


def test_a_refresh_waiting_at_its_checkpoint_says_so() -> None:
    assert "at checkpoint 50 %" in refresh_summary(_refresh(50)).plain


def test_a_refresh_that_moved_on_does_not_still_say_it_reached_the_checkpoint() -> None:
    text = refresh_summary(_refresh(75)).plain
    assert "past checkpoint 50 %" in text and "at checkpoint" not in text


def test_a_finished_refresh_names_no_checkpoint() -> None:
    assert "checkpoint" not in refresh_summary(_refresh(50, "Cancelled")).plain
