"""The world's time as the fidelity extensions read it: its clock, its lock, and event time.

Whatever installs the extensions (the `World`, the `MotoServer`, the tests' `aws` fixture) makes
one `WorldTime` from the world's `Clock` and hands it to `fidelity.install`; every extension
reads "now" from it and takes its lock, which server threads and the simulator both advance
the world under.

Event time: when a refresh catches up over a long gap (nobody asked for ten simulated minutes),
each batch must be stamped with the moment it really happened, not the moment someone looked: a
target registered by the third batch started its health checks then, and its `initial` period
ends relative to that. `at(t)` makes `event_now()` answer `t` for everything done inside it on
this thread; outside, `event_now()` is simply `now()`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from tui.clock import Clock

# The event being carried out on this thread, if any: a moment, not a clock, so one variable
# serves every WorldTime (only one world moves a process's moto at a time).
_event: ContextVar[datetime | None] = ContextVar("turnout_event_time", default=None)


class WorldTime:
    """The world's clock and lock, as the extensions are given them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()

    def now(self) -> datetime:
        """The world's current time (timezone-aware UTC)."""
        return self.clock.now()

    def event_now(self) -> datetime:
        """The time of the event being carried out, or the world's time if none is."""
        return _event.get() or self.clock.now()

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Carry out what the block does as if at `moment` (a catch-up step)."""
        token = _event.set(moment)
        try:
            yield
        finally:
            _event.reset(token)

    def bound(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function(time, self, ...)` as a method of the class it patches, reading this time."""
        time = self

        @functools.wraps(function)
        def method(owner: Any, *args: Any, **kwargs: Any) -> Any:
            return function(time, owner, *args, **kwargs)

        return method
