"""A recorded session's audit log written out again line by line into another directory, as
the engine would write it: what `turnout watch` follows in its tests (the pilot's and the
browser's). A test decides when each record lands, even half a line at a time."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.conftest import START, runbook
from tests.app.scripted import ScriptedSession
from tui.clock import ManualClock
from tui.engine.ports import Answer
from tui.runbook.model import Runbook


class _Yes:
    """Says yes to everything, then rolls back at the breach."""

    def notify(self, event) -> None:
        pass

    def ask(self, question) -> Answer:
        return Answer(question.default or "yes", "alice", text=question.expected_text)


def _rising(step: str, name: str, poll: int) -> float:
    return 3.0 * poll if name == "green 5xx rate" else 0.0


def record_canary(directory: Path) -> Runbook:
    """alb-canary scripted to its rollback (exit 3) with its log in `directory`."""
    rb = runbook("alb-canary")
    assert ScriptedSession(rb, _Yes(), ManualClock(START), directory, metric=_rising).run() == 3
    return rb


class GrowingLog:
    """`source`'s audit.jsonl, copied into `target` as far as a test says."""

    def __init__(self, source: Path, target: Path) -> None:
        self.lines = (source / "audit.jsonl").read_bytes().splitlines(keepends=True)
        self.path = target / "audit.jsonl"
        self.written = 0  # whole lines written
        self.partial = 0  # bytes of the next line written

    def index(self, type_: str, after: int = 0, **payload: object) -> int:
        """The index of the first record of `type_` (with those payload members) from `after`."""
        for i in range(after, len(self.lines)):
            record = json.loads(self.lines[i])
            body = record["payload"]
            if record["type"] == type_ and all(body.get(k) == v for k, v in payload.items()):
                return i
        raise AssertionError(f"no {type_} {payload} in the log")

    def through(self, index: int, *, half_of_next: bool = False) -> None:
        """Write every line up to and including `index`; then half the next one, if asked."""
        with self.path.open("ab") as fh:
            while self.written <= index:
                line = self.lines[self.written]
                fh.write(line[self.partial :])
                self.partial = 0
                self.written += 1
            if half_of_next and self.written < len(self.lines):
                line = self.lines[self.written]
                self.partial = len(line) // 2
                fh.write(line[: self.partial])

    def rest(self) -> None:
        """Write the rest of the log."""
        self.through(len(self.lines) - 1)
