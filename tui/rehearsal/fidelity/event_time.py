"""The time an ASG-side event happened, which may lag the world's clock while the world catches up.

When a refresh catches up over a long gap (nobody asked for ten simulated minutes), each batch
must be stamped with the moment it really happened, not the moment someone looked: a target
registered by the third batch started its health checks then, and its `initial` period ends
relative to that. `at(t)` makes `now()` answer `t` for everything done inside it on this thread;
outside, `now()` is simply the world's clock.

Not an extension itself (no install/tick): a helper the ASG, launch-template and target-health
extensions share.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from tui.rehearsal import fidelity

_override: ContextVar[datetime | None] = ContextVar("turnout_event_time", default=None)


def now() -> datetime:
    """The time of the event being carried out, or the world's time if none is."""
    return _override.get() or fidelity.now()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Carry out what the block does as if at `moment` (a catch-up step)."""
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
