"""Plain mode's lines while another person's approval is awaited (tui/plain/stream.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.engine import events
from tui.plain.stream import event_lines

NOW = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)


def test_the_wait_and_its_end_are_said_in_words() -> None:
    waiting = events.ApprovalWaiting(
        "switchover", 1, ("bob",), datetime(2026, 3, 14, 2, 15, tzinfo=UTC), "turnout approve S"
    )
    [line] = [t.plain for t in event_lines(waiting, NOW)]
    assert "WAITING FOR APPROVAL by 1 other person(s) until 02:15:00 UTC: turnout approve S" in line
    [ended] = [
        t.plain for t in event_lines(events.ApprovalEnded("switchover", "denied", "bob"), NOW)
    ]
    assert "APPROVAL DENIED (bob)" in ended
