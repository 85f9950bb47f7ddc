"""Fixtures for the plain front end: prompts driven through prompt_toolkit's pipe input (the
keys are in tests/keys.py), everything they and the stream print captured in one buffer, time
on a ManualClock."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import create_output
from rich.console import Console

from tui.clock import ManualClock
from tui.plain.front_end import make_plain_operator
from tui.plain.operator import PlainOperator


@dataclass
class Terminal:
    """A person at a keyboard (`type`) and the screen as a file would capture it (`text`)."""

    input: object
    output: object
    buffer: io.StringIO
    console: Console

    def type(self, keys: str) -> None:
        """Send keys (prompt_toolkit's pipe input keeps them for the prompts that follow)."""
        self.input.send_text(keys)  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        return self.buffer.getvalue()


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    buffer = io.StringIO()
    # StringIO is not a tty: prompt_toolkit writes plain text and rich writes no ANSI, exactly
    # as when a person captures the session with `script` or `| tee`.
    console = Console(file=buffer, width=100, highlight=False)
    with create_pipe_input() as pipe:
        yield Terminal(pipe, create_output(stdout=buffer), buffer, console)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=[False, True], ids=["select", "line-mode"])
def operator(
    request: pytest.FixtureRequest, terminal: Terminal, clock: ManualClock
) -> PlainOperator:
    """The operator in both modes: arrow-key lists, and typed choices for dumb terminals."""
    return make_plain_operator(
        terminal.console,
        clock=clock,
        input=terminal.input,
        output=terminal.output,
        who="alice",
        line_mode=request.param,
    )
