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


def test_json_lines_are_the_audit_records_as_written(tmp_path, capsys) -> None:
    """`--headless --json`: one JSON object per line on stdout, each the audit record with
    `schema_version` first; without it, the line is the log's own (its hash verifies). The
    person's stream goes to stderr."""
    import json

    from tests.conftest import START
    from tui.clock import ManualClock
    from tui.commands.session_flow import SessionRequest, open_session
    from tui.engine.options import SessionOptions

    request = SessionRequest(
        load_text(CANARY),
        ManualClock(START),
        lambda recorder: FakeCloud(),
        SessionOptions(poll=10, runbook_sha256="0" * 64),
        front="headless",
        auto_approve=True,
        sessions_dir=str(tmp_path),
        json_lines=True,
    )
    outcome = open_session(request)
    out, err = capsys.readouterr()
    lines = out.splitlines(keepends=True)
    assert len(lines) > 5
    records = [json.loads(line) for line in lines]
    assert all(
        list(r)[:2] == ["schema_version", "seq"] and r["schema_version"] == 1 for r in records
    )
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert {"session.start", "session.end"} <= {r["type"] for r in records}
    log = (outcome.session_dir / "audit.jsonl").read_text()
    assert "".join(line.replace('{"schema_version":1,', "{", 1) for line in lines) == log
    assert "session ended" in err


def test_json_without_headless_is_refused(capsys) -> None:
    code = main(["rehearse", str(RUNBOOKS / "alb-canary.yaml"), "--json", "--plain"])
    assert code == 2
    assert "--json prints the headless stream as JSON Lines: give --headless" in (
        capsys.readouterr().err
    )


def test_a_reader_that_goes_away_stops_the_echo_not_the_session() -> None:
    from tui.headless import JsonLinesEcho

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    echo = JsonLinesEcho(Closed())
    echo(b'{"seq":1}\n')
    echo(b'{"seq":2}\n')
    assert echo.broken


def test_json_lines_carry_no_secret(tmp_path, capsys) -> None:
    """The JSON Lines are the log's records: masked before they were hashed, so the stream of
    a session with secret params holds none of their values."""
    from tests.attack_runbook import secrets, write_attack_runbook
    from tests.conftest import START
    from tui.clock import ManualClock
    from tui.commands.session_flow import SessionRequest, open_session
    from tui.engine.options import SessionOptions
    from tui.runbook.loader import load_runbook_with_set

    values = secrets()
    pairs = [f"{name}={value}" for name, value in values.items()]
    runbook = load_runbook_with_set(write_attack_runbook(tmp_path), pairs)
    request = SessionRequest(
        runbook,
        ManualClock(START),
        lambda recorder: FakeCloud(),
        SessionOptions(poll=10, runbook_sha256="0" * 64),
        front="headless",
        auto_approve=True,
        sessions_dir=str(tmp_path / "sessions"),
        json_lines=True,
    )
    open_session(request)
    out, err = capsys.readouterr()
    assert out.count("\n") > 5 and "session.start" in out
    assert "••••••" in out  # the secrets were there, masked
    for value in values.values():
        assert value not in out and value not in err


def test_a_resumed_sessions_json_lines_start_with_its_session_resume(tmp_path, capsys) -> None:
    """The stream of a resumed session is the records this process writes, from the
    `session.resume` it writes as it reopens the log to its `session.end`."""
    import json

    from tests.conftest import START
    from tests.engine.fakes import FakeOperator
    from tui.audit.resume import resume_state
    from tui.clock import ManualClock
    from tui.commands.session_flow import SessionRequest, open_session
    from tui.engine.options import SessionOptions
    from tui.engine.ports import QuestionKind

    cloud = FakeCloud()
    cloud.reads["healthy_targets"] = 2
    cloud.metrics["ErrorRate"] = lambda t: 0.1

    def request(**fields) -> SessionRequest:
        return SessionRequest(
            load_text(CANARY),
            ManualClock(START),
            lambda recorder: cloud,
            SessionOptions(poll=10, runbook_sha256="0" * 64),
            front="headless",
            console=Console(file=io.StringIO()),
            **fields,
        )

    stop = FakeOperator(answers={QuestionKind.CONFIRM: [questions.NO]})
    first = open_session(request(sessions_dir=str(tmp_path), operator=stop))
    capsys.readouterr()
    log = first.session_dir / "audit.jsonl"
    written = len(log.read_text().splitlines())
    state = resume_state(log)
    open_session(request(resume=state, operator=FakeOperator(), json_lines=True))
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["type"] == "session.resume" and records[0]["seq"] == written + 1
    assert records[-1]["type"] == "session.end"
    assert [r["seq"] for r in records] == list(range(written + 1, written + 1 + len(records)))
