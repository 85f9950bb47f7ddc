"""Fixtures for the engine tests: a ManualClock on a period boundary, the fake Cloud, a scripted
Operator, and `drive` to run a runbook text through a real `Session` and `SessionLog`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.engine.fakes import FakeCloud, FakeOperator
from tui.audit.chain import read_log, require_intact
from tui.audit.record import Record
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock
from tui.engine.options import SessionOptions
from tui.engine.session import Session
from tui.runbook.loader import load_text

START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)

CANARY = """
runbook: test-canary
title: Test canary
target: {account: "123456789012", region: us-east-1}
checklist: [Both versions serve side by side]
steps:
  - id: backup
    action: ec2.create_image
    with: {instance: web-1, name: backup}
  - id: shift
    action: elbv2.set_weights
    confirm: true
    with: {load_balancer: web-alb, weights: {web-blue: 50, web-green: 50}}
    preconditions:
      - {name: green healthy, healthy_targets: web-green, min: 2}
    guardrails:
      - name: error rate
        metric: {namespace: Test, name: ErrorRate, stat: Average}
        max: 1
        for: 3
        on_breach: rollback
        confirm_timeout: 2m
    bake: 5m
  - id: dns
    action: route53.set_weights
    with: {zone: shop.example.com., record: app.shop.example.com, weights: {blue: 0, green: 100}}
"""


@dataclass
class Drive:
    """A finished (or stopped) session and what it left behind."""

    code: int
    session: Session
    cloud: FakeCloud
    operator: FakeOperator
    clock: ManualClock
    dir: Path

    @property
    def records(self) -> list[Record]:
        reading = read_log(self.dir)
        require_intact(reading)
        return reading.records

    def types(self, prefix: str = "") -> list[str]:
        return [r.type for r in self.records if r.type.startswith(prefix)]

    def of(self, kind: str) -> list[dict]:
        return [r.payload for r in self.records if r.type == kind]

    def started(self) -> list[str]:
        return [step for what, step in self.cloud.calls if what == "start"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def cloud() -> FakeCloud:
    fake = FakeCloud()
    fake.reads["healthy_targets"] = 2
    fake.metrics["ErrorRate"] = lambda t: 0.1
    return fake


@pytest.fixture
def operator() -> FakeOperator:
    return FakeOperator()


@pytest.fixture
def drive(
    tmp_path: Path, clock: ManualClock, cloud: FakeCloud, operator: FakeOperator
) -> Callable[..., Drive]:
    counter = iter(range(1, 1000))
    dirs: list[Path] = []

    def run(text: str = CANARY, *, options: SessionOptions | None = None, before=None) -> Drive:
        session_dir = tmp_path / f"s{next(counter)}"
        session_dir.mkdir()
        dirs.append(session_dir)
        log = SessionLog.create(session_dir, clock, operator="alice")
        opts = options or SessionOptions(poll=10, runbook_sha256="0" * 64)
        session = Session(load_text(text), cloud, operator, clock, log, opts)
        if before is not None:
            before(session)
        try:
            code = session.run()
        finally:
            log.close()
        return Drive(code, session, cloud, operator, clock, session_dir)

    run.dirs = dirs  # type: ignore[attr-defined]
    return run
