"""`--auto-approve` on every front end (issue 14): `AutoApproving` answers the checklist,
confirmations, typed phrases and manual steps, and passes every other question to the front end
it wraps, so a failed precondition or a guardrail is never overridden by it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CANARY
from tests.engine.fakes import FakeOperator
from tui.engine import events, questions
from tui.engine.auto_approve import AutoApproving, auto_approver
from tui.engine.ports import QuestionKind
from tui.runbook.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
STEP = load_text(CANARY).order[1]
REHEARSE_PLAIN = [sys.executable, "-m", "tui.cli", "rehearse", "runbooks/alb-canary.yaml"]
REHEARSE_PLAIN += ["--plain", "--auto-approve"]


def test_the_approver_names_turnout_and_the_os_user() -> None:
    assert auto_approver("alice") == "turnout --auto-approve (alice)"


@pytest.mark.parametrize(
    "question",
    [
        questions.checklist(1, 2, "both versions serve"),
        questions.confirm(STEP, "body"),
        questions.typed(STEP, "body", "shift it"),
        questions.manual(STEP, "drain the old pool"),
    ],
)
def test_it_says_yes_itself_and_tells_the_front_end(question) -> None:
    inner = FakeOperator()
    answer = AutoApproving(inner, who="turnout --auto-approve (alice)").ask(question)
    assert (answer.choice, answer.who) == ("yes", "turnout --auto-approve (alice)")
    assert answer.text == question.expected_text  # the phrase, typed, for TYPED
    assert inner.asked == []  # nobody was asked...
    (shown,) = inner.events  # ...and the front end was told, to show it
    assert isinstance(shown, events.AutoApproved) and shown.question is question


@pytest.mark.parametrize(
    "question",
    [
        questions.precondition(STEP, "lag 45", {}),
        questions.breach(STEP.id, "error rate 5", None, {}),  # type: ignore[arg-type]
        questions.pause(STEP.id, "no data", "body", {}),
        questions.step_failed(STEP.id, "AccessDenied"),
        questions.interrupt(STEP.id),
        questions.rollback_request(STEP.id, "bob", "looks wrong"),
    ],
)
def test_every_other_question_goes_to_the_front_end(question) -> None:
    inner = FakeOperator(answers={question.kind: "stop"})
    answer = AutoApproving(inner).ask(question)
    assert inner.asked == [question] and answer.who == "alice"


def test_a_failed_precondition_under_auto_approve_still_asks_and_stops(drive, cloud) -> None:
    cloud.reads["healthy_targets"] = 1
    person = FakeOperator()  # a careful person: stops on a failed precondition

    def approving(session) -> None:
        session.core.operator = AutoApproving(person, who="turnout --auto-approve (alice)")

    d = drive(before=approving)
    assert d.code == 5
    assert person.kinds() == [QuestionKind.PRECONDITION]  # the checklist and confirm were not
    checklist = [r for r in d.records if r.type == "checklist.answer"]
    assert [r.actor for r in checklist] == ["turnout --auto-approve (alice)"]
    refused = [r for r in d.records if r.type == "confirm.answer"][-1]
    assert (refused.payload["answer"], refused.actor) == ("stop", "alice")


@pytest.mark.slow
def test_plain_rehearse_with_auto_approve_piped_completes(tmp_path: Path) -> None:
    """`turnout rehearse runbooks/alb-canary.yaml --plain --auto-approve | cat`: nothing on
    stdin, stdout a pipe (plain mode). It used to stop at the checklist with exit 130."""
    done = subprocess.run(
        # Bakes of 30 s, not 5 and 10 min: every question is still asked, in a fraction of the
        # time.
        [
            *REHEARSE_PLAIN,
            *("--speed", "100", "--set", "bake=30s", "--set", "full_bake=30s"),
            *("--sessions-dir", str(tmp_path)),
        ],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "xterm"},
        timeout=600,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-2000:]
    assert "AUTO-APPROVED (checklist): Checklist 1 of 3 - yes, by turnout --auto-approve (" in out
    assert "AUTO-APPROVED (manual): Leave blue running as the way back" in out
    assert "QUESTION" not in out  # nothing was left for a person
