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
from tui.runbook.actions import CATALOGUE
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


# Operations a driver may call beyond its catalogue entry, and why.
EXTRA_OPERATIONS = {
    # Per-instance target health for the refresh panel; display only, skipped when denied.
    "autoscaling.instance_refresh": {"elbv2.DescribeTargetHealth"},
}


_CONTEXTS: dict[tuple[int, str], AwsContext] = {}


def context(world: World, step: Step) -> AwsContext:
    """What the engine would build a driver for `step` with, on this world; its clients refuse
    (AssertionError) any AWS operation the action's catalogue entry does not declare."""
    key = (id(world), step.action)
    if key not in _CONTEXTS:  # clients are slow to make: one set per world and action
        _CONTEXTS[key] = _checked_context(world, step)
    return _CONTEXTS[key]


def _checked_context(world: World, step: Step) -> AwsContext:
    spec = CATALOGUE[step.action]
    allowed = set(spec.operations) | set(spec.undo_operations)
    allowed |= EXTRA_OPERATIONS.get(step.action, set())
    clients = world.clients_for()

    def check(model: Any, **_: Any) -> None:
        name = f"{model.service_model.service_name}.{model.name}"
        assert name in allowed, f"{step.action} called {name}, not in its catalogue entry"

    clients.session.events.register("before-call", check)
    return AwsContext(clients=clients, clock=world.clock, http_hosts=world.http_hosts)


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
        for key in [k for k in _CONTEXTS if k[0] == id(started)]:
            del _CONTEXTS[key]
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
