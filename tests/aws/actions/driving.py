"""Helpers for the driver tests: steps built by the real loader, a context on a world, and a
loop that lets world time pass between polls as the engine would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.rehearsal.world_drill import run_for, start_world
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.rehearsal.fidelity import throttling
from tui.rehearsal.world import World
from tui.runbook import load_text
from tui.runbook.model import Step


def make_step(action: str, irreversible: bool = False, **arguments: Any) -> Step:
    """The step a runbook with this action and `with:` would give the engine (defaults filled)."""
    extra = "    irreversible: true\n    confirm: go\n" if irreversible else ""
    text = (
        "runbook: driver-test\n"
        "title: Driver test\n"
        'target: {account: "123456789012", region: us-east-1}\n'
        "steps:\n"
        "  - id: step\n"
        f"    action: {action}\n"
        f"{extra}"
        f"    with: {json.dumps(arguments)}\n"
    )
    return load_text(text).steps[0]


def context(world: World) -> AwsContext:
    """What the engine would build a driver with, on this world."""
    return AwsContext(clients=world.clients, clock=world.clock, http_hosts=world.http_hosts)


def world_fixture(scenario: str = "healthy") -> Callable[..., Iterator[World]]:
    """A module-scoped fixture: one world for the module's tests (a world costs ~2 s).

    A test that needs another scenario says `@pytest.mark.parametrize("world", ["replica-lag"],
    indirect=True)`; pytest stops one world before it starts the next (there is one moto, and
    one world clock, per process).
    """

    @pytest.fixture(scope="module")
    def world(request: pytest.FixtureRequest) -> Iterator[World]:
        started = start_world(getattr(request, "param", scenario))
        run_for(started, 10, 10)  # one simulator step: faults due at 0s are in place
        yield started
        started.stop()
        throttling.clear()

    return world


def follow(
    world: World,
    poll: Callable[[], Progress],
    interval: float = 30.0,
    limit: float = 3600.0,
    until: Callable[[Progress], bool] | None = None,
) -> tuple[Progress, list[Progress]]:
    """Let `interval` of world time pass between polls until done or failed, or `until` holds
    (an AssertionError after `limit` seconds of world time)."""
    seen: list[Progress] = []
    elapsed = 0.0
    while elapsed < limit:
        run_for(world, interval, interval)
        elapsed += interval
        progress = poll()
        seen.append(progress)
        if progress.state != "running" or (until is not None and until(progress)):
            return progress, seen
    raise AssertionError(f"still running after {limit} s: {seen[-1] if seen else None}")
