"""Fixtures for the runbook language's tests: paths, and a way to run `turnout` in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.cli import main


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
