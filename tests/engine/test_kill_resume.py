"""A session SIGKILLed mid-refresh (a real subprocess against the served world) resumes to
completion from its audit log with exactly one StartInstanceRefresh."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from tui.audit.chain import read_log, require_intact
from tui.audit.resume import resume_state
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.engine.resuming import check_resumable
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.shared_clock import ClockPublisher
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook

HERE = Path(__file__).parent
RUNBOOK = HERE / "runbooks" / "refresh-only.yaml"
SPEED = 30.0

pytestmark = pytest.mark.slow


def _polled_refresh(log: Path) -> bool:
    """The log shows StartInstanceRefresh answered, then a poll of its progress."""
    if not log.exists():
        return False
    started = False
    for line in log.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the line being written
        if record["type"] != "api.result":
            continue
        operation = record["payload"].get("operation")
        started = started or operation == "StartInstanceRefresh"
        if started and operation == "DescribeInstanceRefreshes":
            return True
    return False


def test_a_session_killed_mid_refresh_resumes_without_starting_a_second_refresh(tmp_path):
    with (
        World(speed=SPEED) as world,
        ClockPublisher(world.clock, tmp_path / "clock.json") as published,
    ):
        child = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "kill_child.py"),
                str(RUNBOOK),
                world.endpoint_url or "",
                str(tmp_path / "sessions"),
                str(published.path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(HERE.parents[1])},
        )
        try:
            # A safety net for a busy machine, not a timing claim.
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                logs = list((tmp_path / "sessions").glob("*/audit.jsonl"))
                if logs and _polled_refresh(logs[0]):
                    break  # mid-refresh, a poll of it on record
                assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
                time.sleep(0.05)
            else:
                pytest.fail("the child never started and polled the instance refresh")
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        finally:
            if child.poll() is None:
                child.kill()
        (log,) = (tmp_path / "sessions").glob("*/audit.jsonl")
        state = resume_state(log)
        assert state.in_flight is not None and state.in_flight.step == "refresh"
        assert not state.ended

        runbook = load_runbook(RUNBOOK)
        check_resumable(state, None)

        def make_cloud(recorder):
            clients = ClientFactory(
                region="us-east-1",
                endpoint_url=world.endpoint_url,
                credentials=FAKE_CREDENTIALS,
                recorder=recorder,
            )
            return AwsCloud(AwsContext(clients, world.clock))

        outcome = open_session(
            SessionRequest(
                runbook,
                world.clock,
                make_cloud,
                SessionOptions(poll=10, mode="real"),
                auto_approve=True,
                resume=state,
                break_stale_lock=True,  # the killed child still "holds" the lock file
                console=Console(file=io.StringIO()),
            )
        )
        assert outcome.code == 0
        reading = read_log(log)
        require_intact(reading)
        starts = [
            r
            for r in reading.records
            if r.type == "api.intent" and r.payload["operation"] == "StartInstanceRefresh"
        ]
        assert len(starts) == 1
        attempts = [
            r.payload["attempt"]
            for r in reading.records
            if r.type == "step.start" and r.payload["step"] == "refresh"
        ]
        assert attempts == [1, 2]  # followed after the crash, its refresh not sent again
        types = [r.type for r in reading.records]
        assert "lock.broken" in types and "session.resume" in types
        ends = [r.payload for r in reading.records if r.type == "step.end"]
        assert ends[-1] == {"step": "refresh", "status": "completed", "error": None, "detail": {}}
        groups = world.clients.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=["web-asg"]
        )["AutoScalingGroups"][0]
        versions = {i["LaunchTemplate"]["Version"] for i in groups["Instances"]}
        assert versions == {"2"}, groups["Instances"]
