"""Two operators, one target: `turnout run` sessions in separate processes (and separate sessions
directories, as on two machines) against ONE `turnout world` collide on its DynamoDB lock table.
The second is refused with exit 5 naming the first, which carries on; once the first ends a
third succeeds; a killed holder's lease is refused until --break-lease (issue 14)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.world_process import turnout_world

HOLDS = """
runbook: hold-listener
title: Weights on web-alb, then a long hold
target: {account: "123456789012", region: us-east-1}
steps:
  - id: all-blue
    action: elbv2.set_weights
    with: {load_balancer: web-alb, weights: {web-blue: 100, web-green: 0}}
  - id: hold
    action: wait
    with: {duration: 30m}
"""

ALSO = """
runbook: other-listener-change
title: Another runbook on the same listener
target: {account: "123456789012", region: us-east-1}
steps:
  - id: all-blue
    action: elbv2.set_weights
    with: {load_balancer: web-alb, port: 80, weights: {web-blue: 100, web-green: 0}}
"""


def _wait_for(condition, what: str, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def _log_has(sessions: Path, record: str) -> bool:
    return any(record in p.read_text() for p in sessions.glob("*/audit.jsonl"))


@pytest.fixture(scope="module")
def world_env(tmp_path_factory):
    with turnout_world(speed=1) as env:
        yield {**env, "TURNOUT_LOCK_TABLE": "turnout-leases"}, tmp_path_factory.mktemp("lease")


def _start(env, where: Path, runbook: Path, name: str, *more: str) -> subprocess.Popen:
    out = open(where / f"{name}.out", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "run",
            str(runbook),
            "--headless",
            "--auto-approve",
            "--sessions-dir",
            str(where / name),
            *more,
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run(env, where: Path, runbook: Path, name: str, *more: str) -> tuple[int, str]:
    process = _start(env, where, runbook, name, *more)
    code = process.wait(timeout=180)
    return code, (where / f"{name}.out").read_text()


def test_two_sessions_on_one_world_collide_and_a_dead_holder_needs_break_lease(world_env):
    env, tmp = world_env
    holds, also = tmp / "holds.yaml", tmp / "also.yaml"
    holds.write_text(HOLDS)
    also.write_text(ALSO)

    first = _start(env, tmp, holds, "first")
    try:
        _wait_for(lambda: _log_has(tmp / "first", '"lease.taken"'), "the first session's lease")
        code, out = _run(env, tmp, also, "second")
        assert code == 5, out
        first_id = next((tmp / "first").iterdir()).name
        assert first_id in out and "web-alb:80" in out and "--break-lease" in out
        assert "Traceback" not in out
        assert first.poll() is None  # the first session is unaffected
        assert not _log_has(tmp / "second", '"mutating":true')  # the refused one changed nothing
        first.send_signal(signal.SIGINT)  # headless: pause, resumable (exit 130)
        assert first.wait(timeout=120) == 130
    finally:
        first.kill()
    assert _log_has(tmp / "first", '"lease.released"')

    code, out = _run(env, tmp, also, "third")
    assert code == 0, out

    killed = _start(env, tmp, holds, "killed")
    try:
        _wait_for(lambda: _log_has(tmp / "killed", '"lease.taken"'), "the killed one's lease")
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
    finally:
        killed.kill()
    code, out = _run(env, tmp, also, "refused")
    assert code == 5, out
    code, out = _run(env, tmp, also, "breaker", "--break-lease")
    assert code == 0, out
    assert _log_has(tmp / "breaker", '"lease.broken"')
