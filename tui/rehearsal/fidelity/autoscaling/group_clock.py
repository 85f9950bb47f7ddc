"""The Auto Scaling side of the world brought up to a moment: health checks and instance refreshes,
each at its own time.

Health checks run every `health_replacement.CHECK_INTERVAL` of world time, on a fixed grid (so
when they run never depends on when anyone asked); between two of them every active instance
refresh is advanced to the next. A long gap (nobody asked for ten minutes) is replayed in that
order, so a replacement the health check made at 3 min is there for the refresh's batch at 3 min
10 s, as on AWS. Not an extension: `instance_refresh` drives it before every Auto Scaling, ELBv2
and EC2 answer and on each tick. The last check's time is kept on the Auto Scaling backend, so a
moto reset forgets it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tui.rehearsal.fidelity.autoscaling import health_replacement
from tui.rehearsal.fidelity.autoscaling.refresh_port import catch_up as catch_up_refreshes
from tui.rehearsal.fidelity.world_time import WorldTime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def catch_up(time: WorldTime, backend: Any, now: datetime) -> None:
    """Run the health checks due by `now` on this backend, refreshes advanced in between."""
    interval = health_replacement.CHECK_INTERVAL
    last = backend.__dict__.get("turnout_health_checked")
    if last is None:  # first sight of this world: checks start now, nothing is replayed
        last = _EPOCH + ((now - _EPOCH) // interval) * interval - interval
    due = last + interval
    while due <= now:
        catch_up_refreshes(time, backend, due, alarms=False)
        health_replacement.check(time, backend, due)
        backend.__dict__["turnout_health_checked"] = due
        due += interval
    catch_up_refreshes(time, backend, now)
