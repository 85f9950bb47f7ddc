"""The drill's debrief for people, printed after `turnout rehearse` and shown in the app: what
users lived through (the world's ledger) against what the session saw and did (its audit log).
The numbers are one `Debrief` (tui/rehearsal/debrief.py), read once:

- time to detect: from the fault's first user errors to the first guardrail decision;
- time to roll back: from that decision until traffic was restored (the last undo that changed
  AWS), not until the verification after it ended;
- errors served to users during the session, and the error rate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tui.rehearsal.debrief import Debrief, build_debrief

__all__ = [
    "Coaching",
    "Debrief",
    "DebriefOnce",
    "build_debrief",
    "debrief_rows",
    "debrief_title",
    "print_debrief",
]


def _seconds(value: float | None, missing: str) -> str:
    if value is None:
        return missing
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def debrief_rows(debrief: Debrief) -> list[tuple[str, str]]:
    """The debrief as (what, value) rows: printed after the app, and shown in it."""
    if debrief.fault_at:
        fault = debrief.fault_at.strftime("%H:%M:%S")
    else:
        fault = "not yet: the session ended first" if debrief.faults_planned else "none planned"
    rate = 100 * debrief.errors / debrief.requests if debrief.requests else 0.0
    return [
        ("outcome", debrief.outcome.replace("_", " ")),
        ("fault began", fault),
        (
            "users first saw errors",
            debrief.first_errors_at.strftime("%H:%M:%S") if debrief.first_errors_at else "never",
        ),
        (
            "time to detect",
            _seconds(
                debrief.time_to_detect, "no guardrail fired" if not debrief.detected_at else "—"
            ),
        ),
        (
            "time to roll back",
            _seconds(
                debrief.time_to_roll_back,
                "nothing in AWS to put back" if debrief.rollback_started_at else "no rollback",
            ),
        ),
        # "of N requests" would wrap in the app at 80×24: the label says what is counted.
        ("errors served to users", f"{debrief.errors} of {debrief.requests} ({rate:.2f} %)"),
    ]


def debrief_title(debrief: Debrief) -> str:
    """`Debrief: scenario bad-ami`."""
    return f"Debrief: scenario {debrief.scenario}"


def print_debrief(debrief: Debrief, console: Console) -> None:
    """The debrief as a small table (times are world time)."""
    table = Table(title=debrief_title(debrief), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for what, value in debrief_rows(debrief):
        table.add_row(what, value)
    console.print(table)


Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class Coaching:
    """What a drill adds to a rehearsal's debrief (`turnout drill run`, given to
    `tui.commands.rehearse.rehearse`): the scenario as the session names it (`a blind draw`
    until the debrief), the score's rows after the debrief's (in the app and printed), the
    debrief's title, and `finish`, once it is printed (the history)."""

    shown_as: str
    rows: Callable[[Debrief, Path], Rows]
    title: Callable[[Debrief], str]
    finish: Callable[[Debrief, Path, Console], None]


class DebriefOnce:
    """One session's debrief, read once and shown everywhere: the app when the session ends,
    the table printed after it, a drill's score and the trainee's history all get this one.
    Read twice (the app's, then the printed one, a second later) the world's ledger had
    gained samples in between and the app said "9 of 12097", the table "9 of 12149".

    `caught_up` returns once the world has stepped past now (its turn under way, stamped
    before the session's end, is then in the ledger); `build` reads the debrief; `extra` adds
    rows (a drill's score) and `title` names it."""

    def __init__(
        self,
        build: Callable[[Path], Debrief],
        caught_up: Callable[[], None],
        extra: Callable[[Debrief, Path], Rows] | None = None,
        title: Callable[[Debrief], str] | None = None,
    ) -> None:
        self._build, self._caught_up, self._extra = build, caught_up, extra
        self._title = title or debrief_title
        self._lock = threading.Lock()
        self._made: dict[Path, tuple[Debrief, Rows]] = {}

    def _read(self, session_dir: Path) -> tuple[Debrief, Rows]:
        key = Path(session_dir)
        with self._lock:
            if key not in self._made:
                self._caught_up()
                made = self._build(key)
                rows = debrief_rows(made) + (self._extra(made, key) if self._extra else [])
                self._made[key] = (made, rows)
            return self._made[key]

    def debrief(self, session_dir: Path) -> Debrief:
        return self._read(session_dir)[0]

    def rows(self, session_dir: Path) -> Rows:
        return self._read(session_dir)[1]

    def title(self, session_dir: Path) -> str:
        return self._title(self._read(session_dir)[0])

    def in_app(self, session_dir: Path) -> tuple[str, Rows]:
        """The app's `DebriefMaker`: the title and the rows."""
        return self.title(session_dir), self.rows(session_dir)

    def print(self, session_dir: Path, console: Console) -> None:
        """The table after the session: the rows the app showed."""
        table = Table(title=self.title(session_dir), show_header=False)
        table.add_column("what", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for what, value in self.rows(session_dir):
            table.add_row(what, value)
        console.print(table)
