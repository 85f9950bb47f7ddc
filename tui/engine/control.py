"""What front ends ask of a running session from other threads: roll back, pause, interrupt,
and (in a rehearsal) fast-forward the wait under way.

The engine's thread picks requests up at safe points (between steps, at every poll and every
second of a wait), never in the middle of an AWS call or a log write.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

# A process manager's stop (SIGTERM) or a lost terminal (SIGHUP) pauses a session as a Ctrl-C
# answered "pause" would: session.end 130, resumable. Nobody may be there to ask. Every front
# end (headless, plain, the app) hears these two; the value is the reason session.end gives.
STOP_SIGNALS = {"SIGTERM": "SIGTERM (asked to stop)", "SIGHUP": "SIGHUP (the terminal went away)"}


@dataclass(frozen=True)
class RollbackRequest:
    """Someone asked to roll back now."""

    who: str
    reason: str


class Controls:
    """A thread-safe mailbox of requests for the engine's thread."""

    def __init__(self) -> None:
        # Re-entrant: a SIGINT handler on the engine's own thread may call in while it holds it.
        self._lock = threading.RLock()
        self._rollback: RollbackRequest | None = None
        self._pause = False
        self._interrupt = False
        self._fast_forward: str | None = None  # who asked
        self._reason_given = False
        self.pause_reason = "paused at the operator's request"

    def request_rollback(self, who: str, reason: str) -> None:
        """Ask to roll back at the next safe point (the engine confirms first)."""
        with self._lock:
            self._rollback = RollbackRequest(who, reason)

    def request_pause(self, reason: str | None = None) -> None:
        """Stop at the next safe point, resumable (exit 130); `reason` goes in session.end. The
        first reason given is kept: a SIGTERM is not renamed by the app's own pause on its
        way out, nor one signal by the next."""
        with self._lock:
            self._pause = True
            if reason and not self._reason_given:
                self.pause_reason, self._reason_given = reason, True

    def request_interrupt(self) -> None:
        """Ctrl-C: ask the operator what to do at the next safe point."""
        with self._lock:
            self._interrupt = True

    def request_fast_forward(self, who: str) -> None:
        """A rehearsal's `f`: run the bake or wait under way at the world's fastest speed."""
        with self._lock:
            self._fast_forward = who

    @property
    def pending(self) -> bool:
        """Whether any request waits."""
        with self._lock:
            return bool(self._rollback or self._pause or self._interrupt or self._fast_forward)

    def take_fast_forward(self) -> str | None:
        """Who asked to fast-forward, if anyone (cleared)."""
        with self._lock:
            who, self._fast_forward = self._fast_forward, None
            return who

    def take_rollback(self) -> RollbackRequest | None:
        """The rollback request, if any, cleared."""
        with self._lock:
            request, self._rollback = self._rollback, None
            return request

    @property
    def pause_wanted(self) -> bool:
        """Whether a pause waits (not cleared: `take_pause` does that)."""
        with self._lock:
            return self._pause

    def take_pause(self) -> bool:
        """Whether a pause was requested (cleared)."""
        with self._lock:
            requested, self._pause = self._pause, False
            return requested

    def take_interrupt(self) -> bool:
        """Whether an interrupt arrived (cleared)."""
        with self._lock:
            requested, self._interrupt = self._interrupt, False
            return requested
