"""A trainee's drill results, kept in the sessions directory: one JSON line per drill played in
`<sessions>/drills/<trainee>.jsonl` (the trainee is the OS user, or `--trainee NAME`), and the
summary `turnout drill history` shows: best and latest per drill, and what was missed.

A line that cannot be read (a crash mid-write, a hand edit) is skipped and counted, never a
traceback: the history is a trainee's notebook, not the audit log (which stays the record).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.errors import InputError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Result:
    """One drill played."""

    drill: str
    trainee: str
    at: str  # ISO 8601, UTC, wall time
    scenario: str
    blind: bool
    points: int
    passed: bool
    outcome: str
    errors: int
    requests: int
    missed: list[str] = field(default_factory=list)
    time_to_detect: float | None = None
    time_to_roll_back: float | None = None
    session: str = ""

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


def check_trainee(name: str) -> str:
    """`name` as a file name in the history directory; an InputError (exit 2) otherwise."""
    if not _NAME.match(name):
        raise InputError(
            f'--trainee "{name}": use letters, digits, ".", "_" and "-" (up to 64, starting '
            "with a letter or digit): it names the trainee's history file"
        )
    return name


def history_file(sessions: Path, trainee: str) -> Path:
    return Path(sessions) / "drills" / f"{check_trainee(trainee)}.jsonl"


def record_result(sessions: Path, result: Result) -> Path:
    """Append `result` to its trainee's history (fsynced: a result is written once)."""
    path = history_file(sessions, result.trainee)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(result), sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as out:
        out.write(line)
        out.flush()
        os.fsync(out.fileno())
    return path


@dataclass
class History:
    """A trainee's results, oldest first, and how many lines could not be read."""

    trainee: str
    results: list[Result]
    unreadable: int = 0

    def drills(self) -> list[str]:
        """The drills played, in the order first played."""
        return list(dict.fromkeys(r.drill for r in self.results))

    def of(self, drill: str) -> list[Result]:
        return [r for r in self.results if r.drill == drill]

    def best(self, drill: str) -> Result:
        # the highest score; of equal ones, the latest
        return max(self.of(drill), key=lambda r: (r.points, r.at))

    def latest(self, drill: str) -> Result:
        return self.of(drill)[-1]


def read_history(sessions: Path, trainee: str) -> History:
    """The trainee's results (none yet: an empty history)."""
    path = history_file(sessions, trainee)
    results: list[Result] = []
    unreadable = 0
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            made = _result(line)
            if made is None:
                unreadable += bool(line.strip())
            else:
                results.append(made)
    results.sort(key=lambda r: r.at)
    return History(trainee, results, unreadable)


def _result(line: str) -> Result | None:
    try:
        data: Any = json.loads(line)
        made = Result(**data)
        made.when  # noqa: B018  (a bad date makes the line unreadable, not the page)
        int(made.points)
    except (ValueError, TypeError):
        return None
    return made
