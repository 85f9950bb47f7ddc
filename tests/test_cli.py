"""The command line's contract: exit codes and no tracebacks for a person's mistakes."""

from __future__ import annotations

import subprocess
import sys

from tui.cli import main


def _turnout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60
    )


def test_no_command_prints_help_and_exits_2() -> None:
    result = _turnout()
    assert result.returncode == 2
    assert "usage: turnout" in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = _turnout("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = _turnout("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("turnout ")


def test_help_lists_the_exit_codes(capsys) -> None:
    try:
        main(["--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert "130  interrupted" in capsys.readouterr().out
