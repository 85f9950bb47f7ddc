"""`open_session` is the one way every front end opens a session: the same operator wiring for
the app, plain mode and headless (a person's questions through the rehearsal's wrapper, then
--auto-approve outermost), so a flag cannot work in one front end and not another."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import CANARY, START
from tests.engine.fakes import FakeCloud, FakeOperator
from tui.clock import ManualClock
from tui.commands.session_flow import SessionRequest, _asking_through, open_session
from tui.engine.auto_approve import AutoApproving
from tui.engine.options import SessionOptions
from tui.exitcodes import ExitCode
from tui.runbook.loader import load_text


def _request(front: str, cloud: FakeCloud | None = None, **fields) -> SessionRequest:
    return SessionRequest(
        load_text(CANARY),
        ManualClock(START),
        lambda recorder: cloud or FakeCloud(),
        SessionOptions(poll=10, runbook_sha256="0" * 64),
        front=front,  # type: ignore[arg-type]
        **fields,
    )


class Wrapped:
    """What a rehearsal's `wrap_operator` returns, standing in for `AskedAtRealTime`."""

    def __init__(self, inner) -> None:
        self.inner = inner


@pytest.mark.parametrize("front", ["app", "plain", "headless"])
def test_auto_approve_is_outermost_in_every_front_end(front: str) -> None:
    person = FakeOperator()
    asked = _asking_through(_request(front, auto_approve=True, wrap_operator=Wrapped), person)
    assert isinstance(asked, AutoApproving)  # the same rule, whichever front end
    inner = asked.inner
    if front == "headless":
        assert inner is person  # nobody waits in headless: no real-time wrapper
    else:
        assert isinstance(inner, Wrapped) and inner.inner is person


@pytest.mark.parametrize("front", ["app", "plain", "headless"])
def test_without_the_flag_nothing_is_approved(front: str) -> None:
    person = FakeOperator()
    asked = _asking_through(_request(front), person)
    assert asked is person


def test_a_new_and_a_resumed_session_open_the_same_way(tmp_path: Path) -> None:
    """Headless: a new session, stopped at the confirmation, resumed through the same call."""
    from tui.audit.resume import resume_state
    from tui.engine import questions
    from tui.engine.ports import QuestionKind

    cloud = FakeCloud()
    cloud.reads["healthy_targets"] = 2
    cloud.metrics["ErrorRate"] = lambda t: 0.1
    quiet = Console(file=io.StringIO())
    stop = FakeOperator(answers={QuestionKind.CONFIRM: [questions.NO]})
    first = open_session(
        _request("headless", cloud, sessions_dir=str(tmp_path), operator=stop, console=quiet)
    )
    assert first.code == ExitCode.INTERRUPTED and first.end_summary is not None
    state = resume_state(first.session_dir / "audit.jsonl")
    again = open_session(
        _request("headless", cloud, resume=state, operator=FakeOperator(), console=quiet)
    )
    assert again.code == ExitCode.COMPLETED
    assert again.session_dir == first.session_dir
