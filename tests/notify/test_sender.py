"""The sender against a real HTTP receiver on 127.0.0.1: what arrives, and a receiver that is
down, slow or refusing. Backoffs run on a ManualClock (no real time); the receiver may sleep,
the tests wait on conditions. Every delivery and failure is in the audit log, the webhook's
path in none of it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.notify.receiver import closed_port, receiving
from tui.audit.chain import read_log
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock
from tui.notify.messages import Context, Message
from tui.notify.sender import NotifyOptions, Sender
from tui.runbook.model import NotifyTarget
from tui.runbook.notify import NOTIFY_EVENTS, hide_url

pytestmark = pytest.mark.slow  # a server on 127.0.0.1
SECRET_PATH = "/services/T0SENDER/B0SENDER/SECRETsenderPath"
CTX = Context("alb-canary", "ALB canary", "20260101T090000Z-alb-canary", True, "arn:x")


def _target(url: str, fmt: str = "generic", events=NOTIFY_EVENTS) -> NotifyTarget:
    hide_url(url)
    return NotifyTarget(url, tuple(events), fmt, None)  # type: ignore[arg-type]


def _message(event: str = "rollback.started", text: str = "rolling back: 5xx") -> Message:
    return Message(event, text, None, CTX, {"reason": text})


def _records(log: SessionLog, kind: str = "notify.") -> list[dict]:
    return [
        r.payload | {"type": r.type} for r in read_log(log.path).records if r.type.startswith(kind)
    ]


@pytest.fixture
def log(tmp_path: Path):
    (tmp_path / "s").mkdir()
    log = SessionLog.create(tmp_path / "s", ManualClock(), operator="alice")
    yield log
    log.close()


def _options(**kw) -> NotifyOptions:
    return NotifyOptions(**{"clock": ManualClock(), "timeout": 2.0, "grace": 30.0, **kw})


def test_each_format_arrives_with_its_text_and_is_recorded(log: SessionLog) -> None:
    with receiving() as rx:
        targets = [_target(rx.url(f"{SECRET_PATH}/{f}"), f) for f in ("slack", "teams", "generic")]
        sender = Sender(targets, log, _options())
        sender.submit(_message())
        sender.submit(_message("question.waiting", "a question waits"))
        got = rx.wait_for(6)
        sender.finish()
    by_path = {r.path.rsplit("/", 1)[1]: r for r in got[:3]}
    text = (
        "*turnout alb-canary* (rehearsal, session 20260101T090000Z-alb-canary): rolling back: 5xx"
    )
    assert by_path["slack"].body == {"text": text}
    assert by_path["slack"].content_type == "application/json"
    teams = by_path["teams"].body
    assert teams["type"] == "message" and teams["text"] == text
    [card] = teams["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == text
    generic = by_path["generic"].body
    assert generic["event"] == "rollback.started" and generic["text"] == text
    assert generic["details"] == {"reason": "rolling back: 5xx"} and generic["rehearsal"] is True
    sent = _records(log, "notify.sent")
    assert len(sent) == 6 and {s["status"] for s in sent} == {200}
    assert {s["target"] for s in sent} == {f"http://127.0.0.1:{rx.port}/••••••"}
    assert "SECRETsenderPath" not in log.path.read_text()


def test_a_target_hears_only_its_events(log: SessionLog) -> None:
    with receiving() as rx:
        sender = Sender([_target(rx.url("/only-end"), "slack", ["session.end"])], log, _options())
        sender.submit(_message("rollback.started"))
        sender.submit(_message("session.end", "session ended"))
        rx.wait_for(1)
        sender.finish()
    assert [r.body["text"].rsplit(": ", 1)[1] for r in rx.received] == ["session ended"]


def test_a_receiver_that_is_down_is_retried_with_backoff_and_the_failures_recorded(
    log: SessionLog,
) -> None:
    clock = ManualClock()
    url = f"http://127.0.0.1:{closed_port()}{SECRET_PATH}"
    sender = Sender([_target(url)], log, _options(clock=clock, attempts=3, backoff=2.0))
    before = time.monotonic()
    sender.submit(_message())
    assert time.monotonic() - before < 1.0  # queued, not sent: the engine never waits
    assert sender.wait_idle(30)
    sender.finish()
    failed = _records(log, "notify.failed")
    assert [(f["attempt"], f["retry_in_s"], f["gave_up"]) for f in failed] == [
        (1, 2.0, False),
        (2, 4.0, False),
        (3, None, True),
    ]
    assert all(f["error"].startswith("could not connect:") for f in failed)
    assert "refused" in failed[0]["error"].lower()
    assert (clock.now() - ManualClock().now()).total_seconds() >= 6.0  # backoff on the clock
    assert "SECRETsenderPath" not in log.path.read_text()


def test_a_slow_receiver_times_out_each_try_and_the_end_waits_only_its_grace(
    log: SessionLog,
) -> None:
    with receiving(delay=60) as rx:
        sender = Sender(
            [_target(rx.url(SECRET_PATH))], log, _options(timeout=0.3, attempts=2, backoff=1.0)
        )
        sender.submit(_message())
        rx.wait_attempts(2)
        assert sender.wait_idle(30)
        failed = _records(log, "notify.failed")
        assert [f["error"] for f in failed] == ["no answer within 0.3s"] * 2
        sender.submit(_message("session.end", "session ended"))
        rx.wait_attempts(3)
        before = time.monotonic()
        sender.finish(grace=0.5)
        assert time.monotonic() - before < 5.0  # bounded by the grace, not the receiver
    [dropped] = _records(log, "notify.dropped")
    assert dropped["events"] == ["session.end"]
    assert dropped["reason"] == "the session ended before it was delivered"
    count = len(read_log(log.path).records)
    time.sleep(0.5)  # the try still under way times out now: it writes nothing after the end
    assert len(read_log(log.path).records) == count


def test_a_full_queue_drops_the_oldest_and_counts_it(log: SessionLog) -> None:
    with receiving(delay=60) as rx:
        sender = Sender(
            [_target(rx.url("/q"), "slack")], log, _options(timeout=0.5, attempts=1, queue=2)
        )
        sender.submit(_message(text="first"))
        rx.wait_attempts(1)  # in flight: the queue is empty again
        for n in range(5):
            sender.submit(_message(text=f"queued {n}"))
        assert sender.dropped == 3
        sender.finish(grace=0.1)
    dropped = _records(log, "notify.dropped")
    assert dropped[0]["reason"] == "the queue was full" and dropped[0]["count"] == 3


def test_a_refusal_that_will_not_change_is_not_retried(log: SessionLog) -> None:
    with receiving(status=404) as rx:
        sender = Sender([_target(rx.url("/gone"))], log, _options(attempts=4))
        sender.submit(_message())
        rx.wait_for(1)
        assert sender.wait_idle(30)
        sender.finish()
    [failed] = _records(log, "notify.failed")
    assert failed["error"] == "HTTP 404 Not Found" and failed["gave_up"] is True
