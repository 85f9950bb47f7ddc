"""`turnout approve` refusing what it cannot do, each with exit 2, a message saying what to do,
and nothing delivered (the two-process runs are tests/commands/test_approve.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import START
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock


def _session(tmp_path: Path, *, asking: bool) -> Path:
    session = tmp_path / "20260101T090000Z-four-eyes"
    session.mkdir()
    log = SessionLog.create(session, ManualClock(START), operator="alice")
    log.note("started")
    if asking:
        prompt = log.confirm_prompt("go", kind="confirm", shown="Run step go?")
        answer = log.confirm_answer(prompt, "yes", accepted=True)
        log.approval_requested(
            "go",
            kind="confirm",
            shown="Run step go?",
            evidence={},
            required=1,
            approvers=[],
            operator={"arn": "arn:aws:iam::123456789012:user/alice", "os_user": "alice"},
            timeout_s=900.0,
            deadline="2026-01-01T09:15:00.000000Z",
            answer_seq=answer.seq,
        )
    log.close()  # the lock goes with it: nobody runs this session now
    return session


def test_nothing_waiting_is_said_and_nothing_delivered(turnout, tmp_path) -> None:
    session = _session(tmp_path, asking=False)
    got = turnout("approve", str(session), "--yes")
    assert got.code == 2 and "nothing waits for approval now" in got.err
    assert not (session / "approvals").exists()


def test_a_request_nobody_runs_any_more_is_refused(turnout, tmp_path) -> None:
    session = _session(tmp_path, asking=True)
    got = turnout("approve", str(session), "--yes")
    assert got.code == 2 and "no process holds the session" in got.err
    assert not (session / "approvals").exists()


def test_a_denial_needs_a_reason_and_a_missing_session_is_named(turnout, tmp_path) -> None:
    got = turnout("approve", str(tmp_path), "--deny")
    assert got.code == 2 and "--deny needs --reason" in got.err
    got = turnout("approve", str(tmp_path / "nope"), "--yes")
    assert got.code == 2 and "no session log here" in got.err and "Traceback" not in got.err


def test_another_steps_request_is_not_answered(turnout, tmp_path) -> None:
    session = _session(tmp_path, asking=True)
    got = turnout("approve", str(session), "--step", "other", "--yes")
    assert got.code == 2 and "nothing waits for approval for step other" in got.err
