"""The command line's contract: exit codes and no tracebacks for a person's mistakes."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

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


# --- NO_COLOR and --no-color (no-color.org): every command's rich output, and the app

_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _colour_codes(text: str) -> int:
    """How many SGR colour parameters (foreground, background, 256/truecolour) `text` has;
    bold and dim are not colour, and NO_COLOR keeps them."""
    codes = [int(p) for m in _SGR.finditer(text) for p in m.group(1).split(";") if p]
    return sum(30 <= c <= 38 or 40 <= c <= 48 or 90 <= c <= 107 for c in codes)


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["plan", "runbooks/alb-canary.yaml", "--no-color"], {}),
        (["--no-color", "plan", "runbooks/alb-canary.yaml"], {}),
        (["plan", "runbooks/alb-canary.yaml"], {"NO_COLOR": "1"}),
    ],
)
def test_no_color_takes_the_colour_out_of_rich_output(turnout, monkeypatch, argv, env) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _colour_codes(turnout("plan", "runbooks/alb-canary.yaml").out) > 0
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = turnout(*argv)
    assert result.code == 0, result.err
    assert _colour_codes(result.out) == 0
    assert "alb-canary" in result.out


def test_no_color_reaches_the_headless_stream(monkeypatch) -> None:
    import io

    from rich.console import Console

    from tui.engine.events import Notice
    from tui.headless import HeadlessOperator

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    HeadlessOperator(Console(file=out)).notify(Notice("disk almost full", "error"))
    assert "disk almost full" in out.getvalue() and _colour_codes(out.getvalue()) == 0


def test_no_color_reaches_the_app_and_is_undone_after_the_command(monkeypatch, turnout) -> None:
    """The app is made inside the command's handler, where --no-color is NO_COLOR=1: Textual
    then paints through its monochrome filter. The variable is put back after the command."""
    from textual.app import App

    import tui.runbook.shipped as shipped

    monkeypatch.delenv("NO_COLOR", raising=False)
    seen: list[bool] = []
    real = shipped.shipped_runbooks

    def spy() -> list:
        seen.append(App().no_color)
        return real()

    monkeypatch.setattr(shipped, "shipped_runbooks", spy)
    assert turnout("runbooks", "--no-color").code == 0
    assert turnout("runbooks").code == 0
    assert seen == [True, False]
    assert "NO_COLOR" not in os.environ


def test_every_command_takes_no_color() -> None:
    from tui.cli import build_parser

    def walk(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)

    for parser in walk(build_parser()):
        assert "--no-color" in parser._option_string_actions, parser.prog
