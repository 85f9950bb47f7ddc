"""The plain operator built for this process's terminals: where the prompts draw, and the
`PlainOperator` the command line hands the engine."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from prompt_toolkit.output import DummyOutput, create_output
from rich.console import Console

from tui.clock import Clock
from tui.plain import is_a_terminal
from tui.plain.operator import PlainOperator

__all__ = ["make_plain_operator", "prompt_output"]


def prompt_output(environ: Mapping[str, str]) -> tuple[Any, bool, bool]:
    """Where the prompts draw, and the modes that follows: `(output, line_mode, echo_prompts)`.

    - the person's terminal (stdout, else stderr, else /dev/tty when only stdin is one): the
      prompts draw there, so with `turnout rehearse ... 2>&1 | tee session.txt` the person
      still sees them and the file holds the stream, which repeats every question and answer
      as plain lines;
    - TERM dumb: prompt_toolkit's own dumb-terminal prompt (output None), typed choices;
    - no terminal at all (answers piped in, output to a file): the prompts draw nowhere and
      their messages are printed as lines of the stream.
    """
    if environ.get("TERM") == "dumb":
        return None, True, False
    if is_a_terminal(sys.stdout):
        return None, False, False
    if is_a_terminal(sys.stderr):
        return create_output(stdout=sys.stderr), False, False
    if is_a_terminal(sys.stdin):
        try:
            tty = open("/dev/tty", "w")  # noqa: SIM115 - open for the life of the process
        except OSError:
            pass
        else:
            return create_output(stdout=tty), False, False
    return DummyOutput(), True, True


def make_plain_operator(
    console: Console | None = None,
    *,
    clock: Clock,
    input: Any = None,
    output: Any = None,
    who: str | None = None,
    reason: str | None = None,
    line_mode: bool | None = None,
    echo_prompts: bool | None = None,
) -> PlainOperator:
    """The plain `Operator`; prints "Plain terminal mode: REASON" first when `reason` is given.

    `console`: where the stream goes (None: stdout; colour only on a terminal). `input` and
    `output` are prompt_toolkit's; with `output` None they are chosen by `prompt_output` from
    the process's terminals. Tests pass a pipe input and an output on a buffer.
    """
    console = console or Console(highlight=False)
    if output is None:
        output, auto_line, auto_echo = prompt_output(os.environ)
        line_mode = auto_line if line_mode is None else line_mode
        echo_prompts = auto_echo if echo_prompts is None else echo_prompts
    operator = PlainOperator(
        console,
        clock,
        input=input,
        output=output,
        who=who,
        line_mode=bool(line_mode),
        echo_prompts=bool(echo_prompts),
    )
    if reason:
        operator.say(
            f"Plain terminal mode: {reason}. (The full-screen app needs a terminal; "
            "--plain chooses this mode anywhere.)"
        )
    return operator
