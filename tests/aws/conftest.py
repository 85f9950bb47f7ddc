"""Fixtures for the AWS adapters: a shared rehearsal world per module, a recorder that keeps
what the clients report, a driver context over both, and steps built by the real loader."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from tests.rehearsal.world_drill import start_world
from tui.aws.clients import ClientFactory
from tui.aws.context import AwsContext
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook import load_text
from tui.runbook.model import Runbook, Step


@dataclass
class Call:
    """One call as the recorder heard it."""

    service: str
    operation: str
    params: dict[str, Any]
    result: dict[str, Any] | None = None


@dataclass
class ListRecorder:
    """A `CallRecorder` that keeps every call in memory, in order."""

    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def intent(self, service: str, operation: str, params: Mapping[str, Any]) -> int:
        with self.lock:
            self.calls.append(Call(service, operation, dict(params)))
            return len(self.calls) - 1

    def result(self, token: int, **outcome: Any) -> None:
        with self.lock:
            assert self.calls[token].result is None, "a second result for one call"
            self.calls[token].result = outcome

    def operations(self, name: str | None = None) -> list[str]:
        """`service.Operation` of every call (or only those of operation `name`)."""
        return [
            f"{c.service}.{c.operation}" for c in self.calls if name is None or c.operation == name
        ]

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One seeded world for a whole test module (tests put back what they change)."""
    started = start_world()
    yield started
    started.stop()


def recorded_clients(world: World, recorder: ListRecorder, **overrides: Any) -> ClientFactory:
    """A ClientFactory pointed at `world` that reports to `recorder`."""
    settings: dict[str, Any] = {
        "region": names.REGION,
        "endpoint_url": world.endpoint_url,
        "credentials": FAKE_CREDENTIALS,
        "recorder": recorder,
    }
    return ClientFactory(**(settings | overrides))


@pytest.fixture
def recorder() -> ListRecorder:
    return ListRecorder()


@pytest.fixture
def ctx(world: World, recorder: ListRecorder) -> AwsContext:
    """A driver context on the world: recorded clients, the world's clock and front door."""
    return AwsContext(
        clients=recorded_clients(world, recorder), clock=world.clock, http_hosts=world.http_hosts
    )


def runbook_with(*steps: dict[str, Any]) -> Runbook:
    """A runbook of these steps, loaded (and checked, defaults filled in) by the real loader."""
    document = {
        "runbook": "adapter-test",
        "title": "adapter test",
        "target": {"account": names.ACCOUNT, "region": names.REGION},
        "steps": [{"id": f"s{i}", **step} for i, step in enumerate(steps)],
    }
    return load_text(yaml.safe_dump(document, sort_keys=False), "adapter-test.yaml")


def step(action: str, **arguments: Any) -> Step:
    """One step of `action` with `arguments` (the loader fills in the defaults)."""
    return runbook_with({"action": action, "with": arguments}).steps[0]
