"""Suite-wide hooks, and the fixtures tests in more than one folder use (tests/README.md). A
fixture only one folder uses lives in that folder's conftest.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.audit.canary_session import WrittenSession, write_canary_session
from tests.engine.fakes import FakeCloud, FakeOperator
from tui.audit.chain import read_log, require_intact
from tui.audit.record import Record
from tui.audit.session_log import SessionLog
from tui.cli import main
from tui.clock import ManualClock
from tui.engine.options import SessionOptions
from tui.engine.session import Session
from tui.rehearsal.world import DEFAULT_IMAGES_SETTING
from tui.runbook.loader import load_text

# Every moto backend in the suite starts as the world's do, without moto's sample of public
# images (see tui/rehearsal/world.py): the same AWS whichever test made a world first.
os.environ[DEFAULT_IMAGES_SETTING] = "false"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with `slow` tests first. `make test` hands whole files to two workers in collection
    order (`--dist loadfile`); with the minute-long files collected last, one worker ran them
    alone for the last two minutes while the other sat idle. Longest first fills the tail with
    the short ones. A stable sort: the order within each group is pytest's."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """No test may reach real AWS or read the developer's AWS config or credentials."""
    home = tmp_path_factory.mktemp("aws-home")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """No test reads the developer's turnout config file or TURNOUT_* settings (tui/config.py)."""
    from tui.config import KEYS

    for key in KEYS:
        monkeypatch.delenv(key.env, raising=False)
    missing = tmp_path_factory.mktemp("turnout-config") / "config.toml"
    monkeypatch.setenv("TURNOUT_CONFIG", str(missing))


# --- `turnout` in-process, and runbook files: tests/runbook and tests/commands


@dataclass
class Result:
    """What a `turnout` command printed and returned."""

    code: int
    out: str
    err: str


@pytest.fixture
def turnout(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `turnout ARGS...` through `tui.cli.main`, capturing its output."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a runbook's text to a file in a temporary directory and return its path."""

    def _write(text: str, name: str = "runbook.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


# --- The audit tests' fixed session (tests/audit/canary_session.py): tests/audit, tests/commands


@pytest.fixture
def canary_session(tmp_path: Path) -> WrittenSession:
    """The fixed session, written to a fresh directory."""
    session_dir = tmp_path / "20260314T090000Z-alb-canary"
    session_dir.mkdir()
    return write_canary_session(session_dir)


# --- A real `Session` and `SessionLog` on a ManualClock against the fake Cloud and a scripted
# Operator (tests/engine/fakes.py), and `drive` to run a runbook text through them: tests/engine,
# tests/commands and tests/test_headless.py. tests/plain has a `clock` and an `operator` of its
# own, and tests/app a `drive`: a folder's conftest.py overrides a fixture of the same name.

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
