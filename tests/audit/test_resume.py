"""The resume contract on the fixed session cut after every record, and inside every record."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.audit.errors import BrokenLogError
from tui.audit.resume import resume_state
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock


def _cut(source: Path, target: Path, keep: int, torn: bytes = b"") -> Path:
    target.mkdir()
    lines = source.read_bytes().splitlines(keepends=True)
    (target / "audit.jsonl").write_bytes(b"".join(lines[:keep]) + torn)
    return target


def _check(state, expect) -> None:
    assert state.completed == expect.completed
    flight = state.in_flight
    assert (flight.step if flight else None) == expect.in_flight
    assert (flight.mutation_sent if flight else False) == expect.mutation_sent
    assert (flight.mutation_result if flight else False) == expect.mutation_result
    assert tuple(state.undo) == expect.undo_steps
    assert (state.pending_confirmation is not None) == expect.pending_prompt
    assert state.rolling_back == expect.rolling_back
    assert state.ended == expect.ended


def test_cut_after_every_record(canary_session, tmp_path: Path) -> None:
    for keep, expect in enumerate(canary_session.expect, start=1):
        session = _cut(canary_session.log, tmp_path / f"cut-{keep}", keep)
        state = resume_state(session)
        assert not state.torn
        assert state.last_seq == keep
        _check(state, expect)


def test_cut_inside_every_record_is_the_record_never_written(
    canary_session, tmp_path: Path
) -> None:
    """A torn record was never durable, so the action it announced was never taken."""
    lines = canary_session.log.read_bytes().splitlines(keepends=True)
    for keep in range(1, len(lines)):
        half = lines[keep][: len(lines[keep]) // 2]
        session = _cut(canary_session.log, tmp_path / f"torn-{keep}", keep, half)
        state = resume_state(session)
        assert state.torn
        assert state.last_seq == keep
        _check(state, canary_session.expect[keep - 1])


def test_an_intent_without_result_names_the_call_to_look_at(canary_session, tmp_path: Path) -> None:
    intent = next(
        r
        for r in canary_session.records
        if r.type == "api.intent" and r.payload["step"] == "canary-25"
    )
    state = resume_state(_cut(canary_session.log, tmp_path / "s", intent.seq))
    assert state.in_flight is not None
    assert state.in_flight.mutation_sent and not state.in_flight.mutation_result
    (call,) = state.in_flight.unfinished_calls
    assert call.name == "elbv2.ModifyListener"
    assert call.intent.payload["params"]["DefaultActions"][0]["ForwardConfig"]["TargetGroups"][
        1
    ] == {"TargetGroupArn": "web-green", "Weight": 25}
    assert state.undo["canary-25"] == [{"weights": {"web-blue": 95, "web-green": 5}}]


def test_resuming_runs_the_step_again_on_the_same_chain(canary_session, tmp_path: Path) -> None:
    intent = next(
        r
        for r in canary_session.records
        if r.type == "api.intent" and r.payload["step"] == "canary-25"
    )
    session = _cut(canary_session.log, tmp_path / "s", intent.seq)
    with SessionLog.resume(session, ManualClock(), operator="bob") as log:
        log.step_start("canary-25", action="elbv2.set_weights", attempt=2)
    state = resume_state(session)
    assert state.in_flight is not None and state.in_flight.attempts == 2
    assert state.fold is not None and state.fold.resumes[0].payload["from_seq"] == intent.seq


def test_a_tampered_log_is_no_basis_for_resuming(canary_session, tmp_path: Path) -> None:
    lines = canary_session.log.read_bytes().splitlines(keepends=True)
    lines[3], lines[4] = lines[4], lines[3]
    canary_session.log.write_bytes(b"".join(lines))
    with pytest.raises(BrokenLogError, match="line 4"):
        resume_state(canary_session.dir)


def test_session_params_are_kept_with_secrets_redacted(canary_session) -> None:
    state = resume_state(canary_session.dir)
    assert state.params == {"green_weight_steps": [5, 25], "db_password": "[REDACTED]"}
    assert state.runbook_name == "alb-canary"
    assert state.exit_code == 3


def test_a_crash_mid_rollback_names_the_undo_call_in_doubt(canary_session, tmp_path: Path) -> None:
    intent = next(
        r for r in canary_session.records if r.type == "api.intent" and r.payload.get("rollback")
    )
    state = resume_state(_cut(canary_session.log, tmp_path / "s", intent.seq))
    assert state.rolling_back and state.in_flight is None
    assert [c.intent.seq for c in state.unfinished_calls] == [intent.seq]
    assert state.rolled_back == ()
