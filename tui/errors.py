"""Errors a person can act on: each carries the exit code and, where known, FILE:LINE:COL.

Anything raised as a `TurnoutError` is printed by the command line as its message alone, with no
traceback; anything else is a bug in turnout (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.exitcodes import ExitCode


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file, 1-based, as editors and compilers print it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def of_file(cls, path: str | Path) -> Location:
        """The start of a file, for problems that belong to the file as a whole."""
        return cls(str(path), 1, 1)


class TurnoutError(Exception):
    """A failure that is explained by its message and ends the command with `exit_code`."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(TurnoutError):
    """Invalid input or usage (exit 2): a runbook, a scenario, a flag, a session directory."""

    exit_code = ExitCode.INVALID_INPUT
