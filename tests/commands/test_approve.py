"""`turnout approve` in a second process, against a session running in another (`turnout
rehearse --headless --auto-approve`, its world inside it): the approver's identity is a role
session of that world's STS named for their OS user; the operator cannot approve themselves;
a denial stops the step like a "no"; nobody approving stops it at the timeout, whatever
--auto-approve says; the log verifies with every decision chained in it.

Every wait is on a condition (the log shows the request; the process ended), never a sleep."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.world_process import role_session_env, turnout_world
from tui.audit.approval_inbox import waiting_requests
from tui.audit.chain import read_log, require_intact

RUNBOOK = """
runbook: four-eyes
title: Four eyes in a rehearsal
target: {account: "123456789012", region: us-east-1}
steps:
  - id: settle
    action: wait
    with: {duration: 10s}
  - id: go
    action: wait
    with: {duration: 10s}
    approvals:
      required: 1
      from: [bob, "arn:aws:sts::123456789012:assumed-role/*/carol"]
      timeout: TIMEOUT
"""


def _env(user: str) -> dict[str, str]:
    return {**os.environ, "USER": user, "LOGNAME": user, "COLUMNS": "200"}


def _session(tmp_path: Path, timeout: str = "30m") -> tuple[subprocess.Popen[str], Path]:
    """The operator's `turnout rehearse` started, and its session directory once it exists."""
    runbook = tmp_path / "four-eyes.yaml"
    runbook.write_text(RUNBOOK.replace("TIMEOUT", timeout))
    sessions = tmp_path / "sessions"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tui", "rehearse", str(runbook), "--headless"),
            *("--auto-approve", "--speed", "10", "--sessions-dir", str(sessions)),
        ],
        env=_env("alice"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    found = _until(
        lambda: [d for d in sessions.glob("*-four-eyes") if (d / "audit.jsonl").exists()]
    )
    return process, found[0]


def _until(condition, limit: float = 120.0):
    """The first truthy `condition()`, looked at every 0.1 s for at most `limit` seconds."""
    end, pause = time.monotonic() + limit, threading.Event()
    while time.monotonic() < end:
        got = condition()
        if got:
            return got
        pause.wait(0.1)
    raise AssertionError(f"never happened within {limit}s")


def _approve(session: Path, user: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "approve", str(session), "--step", "go", *flags],
        env=_env(user),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = process.communicate(timeout=180)
    return process.returncode, out


def _types(session: Path) -> list[str]:
    reading = read_log(session)
    require_intact(reading)  # the chain verifies with every approval record in it
    return [r.type for r in reading.records]


@pytest.mark.slow
def test_a_second_person_approves_from_another_process_and_the_chain_verifies(tmp_path):
    """Alice (the operator) cannot approve her own step: refused before anything is delivered.
    Bob, in his own process with his own STS identity, approves; the session goes on."""
    process, session = _session(tmp_path)
    try:
        _until(lambda: waiting_requests(session))
        own = _approve(session, "alice", "--yes")
        assert own.returncode == 2, own.stdout + own.stderr
        assert "nobody approves their own change" in own.stderr
        assert not list(session.glob("approvals/*.json"))  # nothing was delivered
        bob = _approve(session, "bob", "--yes", "--reason", "settled looks fine")
        assert bob.returncode == 0, bob.stdout + bob.stderr
        assert "Run step go" in bob.stdout  # what the operator was shown
        assert "the session recorded approval.given" in bob.stdout
    finally:
        code, out = _finished(process)
    assert code == 0, out[-3000:]
    assert "approved by bob (arn:aws:sts::123456789012:assumed-role/turnout-approver/bob)" in out
    types = _types(session)
    assert types.count("approval.given") == 1 and "approval.refused" not in types
    given = next(r for r in read_log(session).records if r.type == "approval.given")
    assert given.actor.startswith("bob (") and given.payload["reason"] == "settled looks fine"
    verified = subprocess.run(
        [sys.executable, "-m", "tui", "audit", "verify", str(session)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0 and "hash chain verified" in verified.stdout
    assert "approvals: go approved by bob (arn:aws:sts::" in verified.stdout


@pytest.mark.slow
def test_a_denial_from_another_process_stops_the_step_like_a_no(tmp_path):
    process, session = _session(tmp_path)
    try:
        _until(lambda: waiting_requests(session))
        outsider = _approve(session, "dave", "--yes")  # not in `from`: refused up front
        assert outsider.returncode == 2 and "is not one of them" in outsider.stderr
        denied = _approve(session, "carol", "--deny", "--reason", "error budget spent")
        assert denied.returncode == 0, denied.stdout + denied.stderr
    finally:
        code, out = _finished(process)
    assert code == 130, out[-3000:]
    assert "denied by carol" in out
    types = _types(session)
    assert "approval.refused" not in types and types.count("approval.denied") == 1
    step_end = [r.payload for r in read_log(session).records if r.type == "step.end"]
    assert step_end[-1]["step"] == "go" and step_end[-1]["status"] == "cancelled"
    assert not any(
        r.type == "step.progress" and r.payload.get("step") == "go"
        for r in read_log(session).records
    )


@pytest.mark.slow
def test_nobody_approving_stops_at_the_timeout_and_auto_approve_never_approves(tmp_path):
    process, session = _session(tmp_path, timeout="5s")
    code, out = _finished(process)
    assert code == 130, out[-3000:]
    records = read_log(session).records
    ended = [r.payload for r in records if r.type == "approval.ended"]
    assert [e["outcome"] for e in ended] == ["timeout"]
    assert not any(r.type == "approval.given" for r in records)
    assert "no approval within 5s" in out
    _types(session)


@pytest.mark.slow
def test_against_turnout_world_the_approver_is_who_their_own_credentials_say(tmp_path):
    """`turnout run` against `turnout world` (real mode: the path real AWS takes): the operator
    on the world's long-term keys, Bob on his own role session of the world's STS (his shell's
    credentials, as `aws sso login` would give him). His ARN is what STS says of them."""
    runbook = tmp_path / "four-eyes.yaml"
    runbook.write_text(RUNBOOK.replace("TIMEOUT", "30m"))
    sessions = tmp_path / "sessions"
    with turnout_world(speed=20) as env:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "tui", "run", str(runbook), "--headless"),
                *("--auto-approve", "--sessions-dir", str(sessions)),
            ],
            env={**env, "USER": "alice", "LOGNAME": "alice", "COLUMNS": "200"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            [session] = _until(
                lambda: [d for d in sessions.glob("*-four-eyes") if (d / "audit.jsonl").exists()]
            )
            _until(lambda: waiting_requests(session))
            bob = subprocess.run(
                [sys.executable, "-m", "tui", "approve", str(session), "--yes"],
                env={**role_session_env(env, name="bob"), "USER": "bob", "LOGNAME": "bob"},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert bob.returncode == 0, bob.stdout + bob.stderr
        finally:
            code, out = _finished(process)
    assert code == 0, out[-3000:]
    given = next(r for r in read_log(session).records if r.type == "approval.given")
    arn = "arn:aws:sts::123456789012:assumed-role/turnout-operator/bob"
    assert given.payload["approver"]["arn"] == arn
    _types(session)
