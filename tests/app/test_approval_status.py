"""The app's status line while another person's approval is awaited: what is awaited, the
countdown to it being taken as a no, and the command the approver runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.app.model import SessionModel
from tui.app.widgets.status_bar import status_text
from tui.engine import events

NOW = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)


def test_the_status_line_says_who_is_awaited_and_for_how_long() -> None:
    model = SessionModel(None, "four-eyes")
    wait = events.ApprovalWaiting(
        "go", 1, (), NOW + timedelta(minutes=15), "turnout approve sessions/x --step go"
    )
    assert model.apply(wait) == {"header"}
    text, kind = status_text(model, None, NOW, replay=False)
    assert kind == "-ask"
    assert "WAITING FOR ANOTHER PERSON'S APPROVAL (1 needed)" in text.plain
    assert "15:00" in text.plain and "turnout approve sessions/x --step go" in text.plain
    model.apply(events.ApprovalEnded("go", "approved", "bob"))
    assert status_text(model, None, NOW, replay=False)[0].plain == ""
