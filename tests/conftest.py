"""Suite-wide hooks, and the fixtures tests in more than one folder use (tests/README.md). A
fixture only one folder uses lives in that folder's conftest.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.audit.canary_session import WrittenSession, write_canary_session
from tui.cli import main
from tui.rehearsal.world import DEFAULT_IMAGES_SETTING

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


# `turnout` in-process, and runbook files: tests/runbook and tests/commands.
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


# The audit tests' fixed session: tests/audit and tests/commands.


@pytest.fixture
def canary_session(tmp_path: Path) -> WrittenSession:
    """The fixed session, written to a fresh directory."""
    session_dir = tmp_path / "20260314T090000Z-alb-canary"
    session_dir.mkdir()
    return write_canary_session(session_dir)
