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


def test_a_replay_or_a_watch_shows_the_wait_and_who_decided(tmp_path) -> None:
    """The records become the events the live app had: the wait (status line), the decision
    (a notice naming the approver), the end of the wait."""
    from tests.conftest import START
    from tui.app.replay import RecordTranslator
    from tui.audit.chain import read_log
    from tui.audit.session_log import SessionLog
    from tui.clock import ManualClock

    log = SessionLog.create(tmp_path, ManualClock(START), operator="alice")
    prompt = log.confirm_prompt("go", kind="confirm", shown="Run step go?")
    answer = log.confirm_answer(prompt, "yes", accepted=True)
    request = log.approval_requested(
        "go",
        kind="confirm",
        shown="Run step go?",
        evidence={},
        required=1,
        approvers=["bob"],
        operator={"arn": "arn:aws:iam::1:user/alice"},
        timeout_s=900.0,
        deadline="2026-01-01T09:15:00.000000Z",
        answer_seq=answer.seq,
    )
    log.approval_decided(
        request, approved=True, approver={"arn": "a"}, reason="fine", file="f", who="bob (a)"
    )
    log.approval_ended(request, outcome="approved", approvers=["bob (a)"])
    log.close()
    translate = RecordTranslator(str(tmp_path))
    model = SessionModel(None, "four-eyes")
    shown: list[str] = []
    for record in read_log(tmp_path).records:
        for event in translate.events(record):
            model.apply(event)
            if isinstance(event, events.Notice):
                shown.append(event.text)
        if record.type == "approval.requested":
            text, _ = status_text(model, None, START, replay=True)
            assert (
                "WAITING FOR ANOTHER PERSON'S APPROVAL" in text.plain and "--step go" in text.plain
            )
    assert "approved by bob (a): fine" in shown and model.approval is None
