"""What the app needs of the engine's session (`SessionControl`), and the two callables the app
is built with: `SessionFactory` makes the session, `DebriefMaker` reads a rehearsal's debrief.

The app is given these rather than importing the engine's `Session`: `tui.app.launch` wraps the
real one, the tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from tui.engine.ports import Operator


class SessionControl(Protocol):
    """What the app needs of the engine's `Session` (tui/engine/session.py)."""

    def run(self) -> int:
        """Run the session to its end; its exit code (tui/exitcodes.py)."""
        ...

    def request_rollback(self, who: str, reason: str) -> None:
        """Roll back at the next safe point (thread-safe)."""
        ...

    def request_pause(self, reason: str | None = None) -> None:
        """Pause at the next safe point, keeping the session resumable (thread-safe); `reason`
        goes in session.end (the engine keeps the first one given)."""
        ...

    def add_note(self, text: str) -> None:
        """Write a note to the audit log (thread-safe)."""
        ...

    def request_fast_forward(self, who: str) -> None:
        """Rehearsals: run the bake or wait under way at the world's fastest (thread-safe)."""
        ...


SessionFactory = Callable[[Operator], SessionControl]
"""Builds the session once the app exists, given the app's operator (called on a thread)."""

DebriefMaker = Callable[[Path], tuple[str, list[tuple[str, str]]]]
"""A rehearsal's debrief from the session's directory, once it has ended: a title and (what,
value) rows. Called on a thread (it reads the audit log)."""
