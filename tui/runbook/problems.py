"""Collecting every problem in a runbook, each at its FILE:LINE:COL, with "did you mean" hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from tui.errors import InputError, Location
from tui.runbook.secrets import SECRETS


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a runbook, where it is and what to do about it."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class Problems:
    """Problems found so far; the loader carries on after each so a person sees them all at once."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        """Record a problem at `location`."""
        self._items.append(Problem(location, message))

    def sorted(self) -> list[Problem]:
        """Every problem in file order, each reported once, with secret values masked (a
        `pattern` mismatch quotes the value; the secret was known before it was checked)."""
        return sorted({Problem(p.location, SECRETS.text(p.message)) for p in self._items})

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)


class RunbookInvalid(InputError):
    """A runbook (or its `--set` values) has problems; the command prints them all and exits 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return self.message


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean "x"?)` suffix for a misspelt name, or "" when nothing is close."""
    # Compare without case, so "available" finds "AVAILABLE".
    by_lower = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return f' (did you mean "{by_lower[close[0]]}"?)' if close else ""


def one_of(names: Iterable[str]) -> str:
    """`a, b or c`, for messages that list what is allowed."""
    names = [f'"{n}"' for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
