"""The plain-terminal front end: questionary prompts and a line-by-line rich stream.

For serial consoles, recorded `script` sessions, jump hosts with a dumb TERM and screen
readers. The command line calls `should_use_plain` to decide (and say why), then
`front_end.make_plain_operator` to build the `Operator` it hands the engine. See
docs/plain-and-new.md. This module imports nothing heavy: the app's start asks
`should_use_plain` too, and prompt_toolkit's import (~60 ms) would delay its first paint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

__all__ = ["is_a_terminal", "should_use_plain"]


def is_a_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def should_use_plain(stdout: TextIO, environ: Mapping[str, str]) -> str | None:
    """Why the full-screen app cannot run here (plain mode must be used), or None if it can."""
    if not is_a_terminal(stdout):
        return "standard output is not a terminal"
    term = environ.get("TERM", "")
    if not term:
        return "TERM is not set"
    if term == "dumb":
        return "TERM is dumb"
    return None
