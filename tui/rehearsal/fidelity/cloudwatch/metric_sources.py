"""Who must catch up before CloudWatch data is read or written: publishers, then watchers.

CloudWatch's answers depend on the world's clock in two ways. AWS services publish metrics on
their own (an instance's status checks every minute), and alarms evaluate whatever has arrived
by the end of each period. Before any handler reads metrics, or stores new ones, everything is
brought up to "now" in that order: *sources* publish what the world has produced so far, then
*watchers* (alarm evaluation) look at it. Catching up before storing matters: an alarm period
that ended before a datapoint arrived must not see it.

The world simulator (a later issue) registers its own metric generators here with
`register_source`, and alarms will see them like any published metric.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

CatchUp = Callable[[datetime], None]

_sources: list[CatchUp] = []
_watchers: list[CatchUp] = []


def register_source(fn: CatchUp) -> None:
    """Add a metric publisher, called with the world's time before metrics are used. Idempotent."""
    if fn not in _sources:
        _sources.append(fn)


def register_watcher(fn: CatchUp) -> None:
    """Add something that evaluates published metrics (alarms), called after every source."""
    if fn not in _watchers:
        _watchers.append(fn)


def unregister(fn: CatchUp) -> None:
    """Remove a source or watcher (a finished scenario's generator)."""
    for registry in (_sources, _watchers):
        if fn in registry:
            registry.remove(fn)


def catch_up(now: datetime) -> None:
    """Bring every source, then every watcher, up to `now` (under `WorldTime.lock`)."""
    for fn in list(_sources):
        fn(now)
    for fn in list(_watchers):
        fn(now)


def loaded_backends(backend_dict: Any) -> list[tuple[str, str, Any]]:
    """(account, region, backend) for every backend moto has already created (none are created)."""
    out = []
    for account_id in list(dict.keys(backend_dict)):
        regional = dict.__getitem__(backend_dict, account_id)
        for region, backend in list(dict.items(regional)):
            out.append((account_id, region, backend))
    return out
