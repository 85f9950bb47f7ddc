"""A whole session told to a real receiver on 127.0.0.1 (open_session, the engine on a
ManualClock against the fake Cloud): which events arrive, in what words, and that a receiver
that is down or slow costs the session nothing but the bounded wait at its end. The delivery
records all come before `session.end`, so the last hash the session prints is still the log's
last."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import CANARY, START
from tests.engine.fakes import FakeCloud, FakeOperator
from tests.notify.receiver import closed_port, receiving
from tui.audit.chain import read_log
from tui.clock import ManualClock
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.notify.sender import NotifyOptions
from tui.runbook.loader import load_text

pytestmark = pytest.mark.slow  # a server on 127.0.0.1
SECRET = "SECRETsessionHook"


def _session(
    tmp_path: Path, url: str, cloud: FakeCloud, fmt: str = "generic", operator=None, **notify
):
    cloud.reads["healthy_targets"] = 3  # shift's precondition holds
    cloud.metrics.setdefault("ErrorRate", lambda t: 0.0)
    text = CANARY + f"notify:\n  - url: {url}\n    format: {fmt}\n"
    request = SessionRequest(
        load_text(text),
        ManualClock(START),
        lambda recorder: cloud,
        SessionOptions(poll=10, runbook_sha256="0" * 64),
        front="headless",
        sessions_dir=str(tmp_path),
        operator=operator or FakeOperator(),
        console=Console(file=io.StringIO()),
        notify=NotifyOptions(**{"clock": ManualClock(), "timeout": 2.0, **notify}),
    )
    return open_session(request)


def _tail(outcome) -> tuple[list, list]:
    records = read_log(outcome.session_dir / "audit.jsonl").records
    assert records[-1].type == "session.end"  # nothing after it
    assert outcome.end_summary.last_hash == records[-1].hash
    return records, [r for r in records if r.type.startswith("notify.")]


def test_a_breach_tells_the_receiver_each_event_in_order(tmp_path: Path) -> None:
    cloud, rolled = FakeCloud(), []
    # Over the max of 1 from the first poll, healthy again once the person says roll back.
    cloud.metrics["ErrorRate"] = lambda t: 0.0 if rolled else 5.0
    operator = FakeOperator({QuestionKind.BREACH: lambda q: rolled.append(q) or "rollback"})
    with receiving() as rx:
        outcome = _session(tmp_path, rx.url(f"/hooks/{SECRET}"), cloud, operator=operator)
    assert outcome.code == ExitCode.ROLLED_BACK
    got = [r.body for r in rx.received]
    assert [g["event"] for g in got] == [
        "question.waiting",  # the checklist item
        "question.waiting",  # shift's confirmation
        "guardrail.breach",
        "question.waiting",  # roll back?
        "rollback.started",
        "rollback.finished",
        "session.end",
    ]
    breach = got[2]
    assert breach["details"]["guardrail"] == "error rate" and breach["details"]["value"] == 5.0
    assert breach["text"].endswith(
        "guardrail *error rate* breached (rollback) during step shift: 5.00 (must be ≤ 1), out "
        "of band 3 periods in a row (for: 3)"
    )
    ask = got[3]
    assert ask["details"]["kind"] == "breach" and ask["details"]["deadline"]
    assert ask["text"] == (
        "*turnout test-canary* (LIVE AWS, session 20260101T090000Z-test-canary): a question "
        "waits for the operator (step shift): Guardrail breached during shift: roll back?; if "
        'nobody answers by 09:04:00 UTC, "Roll back now" is chosen by itself'
    )
    assert got[-1]["details"]["outcome"] == "rolled_back"
    assert "session ended: rolled back (exit 3)" in got[-1]["text"]
    _, told = _tail(outcome)
    assert [r.payload["event"] for r in told if r.type == "notify.sent"] == [
        g["event"] for g in got
    ]
    assert SECRET not in (outcome.session_dir / "audit.jsonl").read_text()


def test_a_receiver_that_is_down_costs_the_session_nothing(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hooks/{SECRET}"
    before = time.monotonic()
    outcome = _session(tmp_path, url, FakeCloud(), attempts=3, backoff=30.0, grace=2.0)
    assert time.monotonic() - before < 30  # the ManualClock's backoff is no real time
    assert outcome.code == ExitCode.COMPLETED
    _, told = _tail(outcome)
    failed = [r.payload for r in told if r.type == "notify.failed"]
    assert failed and all("could not connect" in f["error"] for f in failed)
    assert any(f["event"] == "session.end" and f["gave_up"] for f in failed)
    assert {f["attempt"] for f in failed} == {1, 2, 3}  # retried


def test_a_slow_receiver_the_session_never_waits_for_it(tmp_path: Path) -> None:
    """Each request may take 30 s: sent on the engine's thread, the session's seven
    notifications would take minutes. It ends within its 1 s grace (the bound leaves a busy
    machine room), and says what it could not deliver."""
    with receiving(delay=120) as rx:
        before = time.monotonic()
        outcome = _session(
            tmp_path, rx.url(f"/hooks/{SECRET}"), FakeCloud(), timeout=30, attempts=2, grace=1.0
        )
        took = time.monotonic() - before
        rx.wait_attempts(1)
    assert outcome.code == ExitCode.COMPLETED
    assert took < 20
    _, told = _tail(outcome)
    [dropped] = [r.payload for r in told if r.type == "notify.dropped"]
    assert dropped["reason"] == "the session ended before it was delivered"
    assert dropped["events"][0] == "question.waiting" and dropped["events"][-1] == "session.end"


def test_a_paused_session_resumes_past_its_delivery_records(tmp_path: Path) -> None:
    """The notify.* records in a paused log are nothing a resume must account for: it carries
    on, and tells the webhook of its own end."""
    from tui.audit.resume import resume_state
    from tui.engine import questions

    cloud = FakeCloud()
    with receiving() as rx:
        url = rx.url(f"/hooks/{SECRET}")
        stop = FakeOperator(answers={QuestionKind.CONFIRM: [questions.NO]})
        first = _session(tmp_path, url, cloud, operator=stop)
        assert first.code == ExitCode.INTERRUPTED
        _, told = _tail(first)
        assert told and all(r.type == "notify.sent" for r in told)
        state = resume_state(first.session_dir / "audit.jsonl")
        text = CANARY + f"notify:\n  - url: {url}\n    format: generic\n"
        again = open_session(
            SessionRequest(
                load_text(text),
                ManualClock(START),
                lambda recorder: cloud,
                SessionOptions(poll=10, runbook_sha256="0" * 64),
                front="headless",
                resume=state,
                operator=FakeOperator(),
                console=Console(file=io.StringIO()),
                notify=NotifyOptions(clock=ManualClock()),
            )
        )
    assert again.code == ExitCode.COMPLETED
    ends = [r.body["details"]["outcome"] for r in rx.received if r.body["event"] == "session.end"]
    assert ends == ["interrupted", "completed"]
    _tail(again)


def test_a_warning_is_told_once_per_trigger_and_the_run_goes_on(tmp_path: Path) -> None:
    cloud = FakeCloud()
    cloud.reads["healthy_targets"] = 3
    cloud.metrics["ErrorRate"] = lambda t: 5.0
    text = CANARY.replace(
        "        on_breach: rollback\n        confirm_timeout: 2m\n", "        on_breach: warn\n"
    )
    assert "on_breach: warn" in text
    with receiving() as rx:
        url = rx.url(f"/hooks/{SECRET}")
        outcome = open_session(
            SessionRequest(
                load_text(
                    text
                    + f"notify:\n  - url: {url}\n    events: [guardrail.warn, guardrail.breach]\n"
                ),
                ManualClock(START),
                lambda recorder: cloud,
                SessionOptions(poll=10, runbook_sha256="0" * 64),
                front="headless",
                sessions_dir=str(tmp_path),
                operator=FakeOperator(),
                console=Console(file=io.StringIO()),
                notify=NotifyOptions(clock=ManualClock()),
            )
        )
    assert outcome.code == ExitCode.COMPLETED
    texts = [r.body["text"] for r in rx.received]
    assert texts and all("guardrail *error rate* warning during step shift" in t for t in texts)
    warnings = [
        r
        for r in read_log(outcome.session_dir / "audit.jsonl").records
        if r.type == "guardrail.evaluated" and r.payload.get("decision") == "warn"
    ]
    assert len(texts) == len(warnings)  # one message per trigger, not per poll
