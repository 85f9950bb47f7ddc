"""The record says what happened (issue 14): an override makes the outcome "completed with
override", and every session ends with a summary (outcome, what AWS shows now, the session
path, how to carry on, the log's last hash), recorded in `session.end` and shown by every
front end."""

from __future__ import annotations

from tests.conftest import CANARY
from tests.engine.test_session import errors_from
from tui.audit.chain import read_log
from tui.audit.report.model import build_report
from tui.engine import questions
from tui.engine.events import EndSummary
from tui.engine.ports import Answer, QuestionKind


def test_an_overridden_precondition_makes_the_outcome_completed_with_override(
    drive, cloud, operator
) -> None:
    cloud.reads["healthy_targets"] = 1
    operator.answers[QuestionKind.PRECONDITION] = [
        Answer(questions.OVERRIDE, "alice", text="green has 2 more instances booting"),
    ]
    d = drive()
    assert d.code == 0  # it did complete: scripts still see 0
    end = d.of("session.end")[0]
    assert (end["outcome"], end["overrides"]) == ("completed_with_override", 1)
    (override,) = [a for a in d.of("confirm.answer") if a.get("override")]
    assert override["answer"] == "override"
    summary = d.session.end_summary
    assert summary is not None and summary.outcome == "completed_with_override"
    assert summary.lines()[0] == "outcome: completed with override (exit 0)"
    # The report's headline says it too (it used to read "completed").
    report = build_report(read_log(d.dir))
    assert report.outcome.startswith("completed with override (exit 0)"), report.outcome


def test_continuing_past_a_pause_guardrail_is_an_override_too(
    drive, cloud, operator, clock
) -> None:
    text = CANARY.replace("on_breach: rollback\n        confirm_timeout: 2m", "on_breach: pause")
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 1, cloud)
    operator.answers[QuestionKind.PAUSE] = [
        Answer(questions.CONTINUE, "alice", text="known noisy metric"),
    ]
    d = drive(text)
    assert d.code == 0
    assert d.of("session.end")[0]["outcome"] == "completed_with_override"


def test_a_plain_run_stays_completed_and_a_timeout_is_no_override(drive) -> None:
    d = drive()
    end = d.of("session.end")[0]
    assert (end["outcome"], end["overrides"]) == ("completed", 0)


def test_the_summary_names_the_session_the_last_hash_and_how_to_carry_on(drive, operator) -> None:
    operator.answers[QuestionKind.CONFIRM] = [Answer(questions.NO, "alice")]
    d = drive()
    assert d.code == 130
    summary: EndSummary = d.session.end_summary
    assert summary.last_hash == read_log(d.dir).last_hash  # the session.end record's
    text = "\n".join(summary.lines())
    assert f"session: {d.dir}" in text
    assert f"next: turnout resume {d.dir}" in text
    assert f"audit: {d.dir}/audit.jsonl ends at sha256:{summary.last_hash}" in text
    end = d.of("session.end")[0]
    assert end["aws_state"] == list(summary.aws_state)
