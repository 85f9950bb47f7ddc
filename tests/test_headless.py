"""The headless front end (tui/headless.py): its answers, alone and behind --auto-approve, the
questions it refuses to run without a person for, and its progress stream."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import CANARY
from tests.engine.fakes import FakeCloud
from tui.cli import main
from tui.engine import questions
from tui.engine.auto_approve import AutoApproving, auto_approver
from tui.engine.ports import Choice, Question, QuestionKind
from tui.headless import HeadlessOperator, questions_in
from tui.runbook.loader import load_text

RUNBOOKS = Path(__file__).resolve().parents[1] / "runbooks"


def operator(auto: bool = True) -> tuple[HeadlessOperator | AutoApproving, io.StringIO]:
    """The headless operator as `turnout --headless` builds it (behind AutoApproving with
    --auto-approve)."""
    out = io.StringIO()
    headless = HeadlessOperator(Console(file=out, width=200))
    return (AutoApproving(headless) if auto else headless), out


def test_auto_approve_says_yes_to_confirmations_and_types_the_phrase() -> None:
    op, out = operator()
    step = load_text(CANARY).order[1]
    answer = op.ask(questions.typed(step, "body", "shift it"))
    assert (answer.choice, answer.text, answer.who) == ("yes", "shift it", auto_approver())
    assert op.ask(questions.checklist(1, 1, "item")).choice == "yes"
    assert f"→ yes ({auto_approver()})" in out.getvalue()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (lambda s: questions.precondition(s, "lag 45", {}), "stop"),
        (lambda s: questions.pause(s.id, "t", "b", {}), "rollback"),
        (lambda s: questions.breach(s.id, "b", None, {}), "rollback"),  # type: ignore[arg-type]
        (lambda s: questions.step_failed(s.id, "AccessDenied"), "rollback"),
        (lambda s: questions.interrupt(s.id), "pause"),
    ],
)
def test_auto_approve_never_overrides_and_takes_the_safe_answer(question, expected) -> None:
    op, _ = operator()
    step = load_text(CANARY).order[1]
    answer = op.ask(question(step))
    assert answer.choice == expected and not answer.text


def test_without_auto_approve_a_confirmation_is_declined() -> None:
    op, _ = operator(auto=False)
    q = Question(QuestionKind.CONFIRM, "go?", choices=(Choice("yes", "y"), Choice("no", "n")))
    assert op.ask(q).choice == "no"


def test_questions_in_lists_what_a_runbook_would_ask() -> None:
    found = questions_in(load_text(CANARY))
    assert found == ["checklist item 1", "step shift (confirm)"]


def test_a_headless_run_without_auto_approve_refuses_a_runbook_that_asks(capsys) -> None:
    code = main(["rehearse", str(RUNBOOKS / "alb-canary.yaml"), "--headless"])
    err = capsys.readouterr().err
    assert code == 2
    assert "asks a person (checklist item 1" in err and "--auto-approve" in err


def test_headless_prints_breaches_against_thresholds(drive, cloud: FakeCloud) -> None:
    op, out = operator()
    cloud.metrics["ErrorRate"] = lambda t: 5.0
    d = drive(before=lambda s: setattr(s.core, "operator", op))
    text = out.getvalue()
    assert d.code == 4  # never recovers: verification fails
    assert "BREACH error rate 5 (≤ 1; 3/3)" in text
    assert "Guardrail breached during shift: roll back? → rollback (headless)" in text
    assert "session ended, exit 4" in text
