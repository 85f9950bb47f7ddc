"""The rehearsal world's clock, made without loading moto, so `turnout rehearse` can open the
session (and paint the app) before the world that runs on it has booted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.clock import ScaledClock

# The world is born settled: as if seeded this long ago, so the Blue/Green deployment is
# AVAILABLE (about 22 minutes of provisioning with an engine upgrade), ECS services have
# finished their first rollout and every target has passed its health checks.
SETTLE_SECONDS = 1500


def new_world_clock(speed: float) -> ScaledClock:
    """A world's clock at `speed`. It starts SETTLE_SECONDS in the past, so that once the world
    has seeded and settled (`World.start` advances it) it stands at the wall clock's now: an AWS
    CLI asking for "the last hour" then sees its metrics."""
    return ScaledClock(speed, start=datetime.now(UTC) - timedelta(seconds=SETTLE_SECONDS))
