"""moto made to tell the truth about what our runbooks touch.

Each module in this package, grouped by AWS service in subpackages (`autoscaling/`,
`cloudwatch/`, `ec2/`, `ecs/`, `elbv2/`, `rds/`; cross-cutting ones at the top), adds one thing
moto lacks or gets wrong (instance refresh, metric math, ...) by patching moto's backend and
response classes, so the boto3 call stays a real round trip, in-process under `mock_aws` and
over `ThreadedMotoServer` alike. A module is an extension when it defines:

- `install() -> None`: patch moto through `patching`, which makes a second install stack nothing;
- `tick(now: datetime) -> None`: bring that extension's state up to `now` (refresh batches,
  alarm evaluation, rollouts). Handlers also catch up before they answer, so what a caller sees
  depends on the world's clock, never on how often it asks.

Extensions are listed in `extensions.py`; they must not depend on each other's install order.
Time is the world's `Clock`, set by `install(clock)`.
"""

from __future__ import annotations

import threading
from datetime import datetime
from types import ModuleType

from tui.clock import Clock, SystemClock

_clock: Clock = SystemClock()
_lock = threading.RLock()


def clock() -> Clock:
    """The world's clock, which every extension reads for 'now'."""
    return _clock


def now() -> datetime:
    """The world's current time (timezone-aware UTC)."""
    return _clock.now()


def lock() -> threading.RLock:
    """One lock for the world's moving parts: server threads and the simulator both advance it."""
    return _lock


def install(world_clock: Clock | None = None) -> None:
    """Patch moto with every extension and make `world_clock` the world's time. Idempotent."""
    global _clock
    if world_clock is not None:
        _clock = world_clock
    for module in _extensions():
        module.install()


def tick() -> None:
    """Advance every extension to the world's current time (the simulator calls this)."""
    current = now()
    with _lock:
        for module in _extensions():
            module.tick(current)


def _extensions() -> tuple[ModuleType, ...]:
    # Imported when first used: the extensions import this package for the world's clock.
    from tui.rehearsal.fidelity.extensions import EXTENSIONS

    return EXTENSIONS
