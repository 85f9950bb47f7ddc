"""Which engine events and questions become which notifications (NotifyingOperator), without a
network: the sender is given targets that hear everything and a post that keeps the bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import START
from tests.engine.fakes import FakeOperator
from tui.audit.chain import read_log
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock
from tui.engine import events
from tui.notify.operator import NotifyingOperator
from tui.notify.sender import NotifyOptions, Sender
from tui.runbook.model import NotifyTarget
from tui.runbook.notify import NOTIFY_EVENTS


@dataclass(frozen=True)
class ApprovalWaiting:
    """Shaped as the approvals' engine event (wip/approve): matched by name."""

    step: str | None
    required: int
    approvers: tuple[str, ...]
    deadline: datetime
    command: str


def sender_log(sender: Sender) -> Path:
    return sender._log.path  # type: ignore[attr-defined]


@pytest.fixture
def told(tmp_path: Path):
    bodies: list[dict] = []

    def post(url: str, data: bytes, timeout: float) -> int:
        bodies.append(json.loads(data))
        return 204

    (tmp_path / "s").mkdir()
    log = SessionLog.create(tmp_path / "s", ManualClock(), operator="alice")
    target = NotifyTarget("https://hooks.example.com/x", NOTIFY_EVENTS, "generic", None)  # type: ignore[arg-type]
    sender = Sender([target], log, NotifyOptions(clock=ManualClock()), post=post)
    inner = FakeOperator()
    operator = NotifyingOperator(inner, sender, ManualClock(START))
    yield operator, sender, bodies, inner
    sender.close()
    log.close()


def test_an_approval_waiting_is_told_as_approval_needed(told) -> None:
    operator, sender, bodies, inner = told
    deadline = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    event = ApprovalWaiting(
        "switchover",
        1,
        ("bob", "arn:aws:iam::*:role/dba"),
        deadline,
        "turnout approve sessions/x --step switchover",
    )
    operator.notify(event)
    assert sender.wait_idle(10)
    [body] = bodies
    assert body["event"] == "approval.needed"
    assert body["text"].endswith(
        "an approval is needed for step switchover: 1 of (bob, arn:aws:iam::*:role/dba), by "
        "09:30:00 UTC; approve with `turnout approve sessions/x --step switchover` (chat cannot "
        "approve)"
    )
    assert inner.events == [event]  # the front end still sees it


def test_a_rollback_whose_undo_failed_is_told_finished_at_the_end(told) -> None:
    operator, _sender, bodies, _ = told
    operator.notify(events.RollbackChanged("started", "rolling back: operator", "shift"))
    operator.notify(events.RollbackChanged("failed", "shift: AccessDenied", "shift"))
    operator.notify(events.SessionEnding(4, "left_for_operator", "rollback incomplete", "/s/x"))
    assert [b["event"] for b in bodies] == ["rollback.started", "rollback.finished", "session.end"]
    assert bodies[1]["text"].endswith("rollback INCOMPLETE: shift: AccessDenied")
    assert bodies[1]["details"]["ok"] is False
    assert bodies[2]["text"].endswith(
        "session ended: left for operator (exit 4): rollback incomplete"
    )


def test_a_bug_making_a_message_never_reaches_the_engine(told) -> None:
    operator, sender, _bodies, inner = told
    broken = events.GuardrailsPolled("shift", START, (object(),))  # type: ignore[arg-type]
    operator.notify(broken)  # no exception
    assert inner.events == [broken]
    sender.close()
    [dropped] = [
        r.payload for r in read_log(sender_log(sender)).records if r.type == "notify.dropped"
    ]
    assert dropped["events"] == ["GuardrailsPolled"]
    assert dropped["reason"].startswith("could not be made: AttributeError")
