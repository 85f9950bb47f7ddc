"""Seed the rehearsal world in one call: the stack every shipped runbook acts on.

Everything is created through real boto3 calls (the world is built the way an operator's AWS
account is), except the two fixed-id AMIs, which no AWS API can create (see images.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.rehearsal.seed.containers import seed_containers
from tui.rehearsal.seed.data import seed_data
from tui.rehearsal.seed.network import seed_network
from tui.rehearsal.seed.operations import seed_operations
from tui.rehearsal.seed.turnout_own import seed_audit_copies, seed_lease_table
from tui.rehearsal.seed.web import seed_web


@dataclass
class SeededWorld:
    """The ids AWS generated while seeding, keyed by the world's names (see names.py)."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def seed_world(clients: Any) -> SeededWorld:
    """Create the whole world through `clients` (a `ClientFactory` pointed at moto)."""
    world = SeededWorld()
    world.ids.update(seed_network(clients))
    world.ids.update(seed_web(clients, world.ids))
    world.ids.update(seed_data(clients, world.ids))
    world.ids.update(seed_containers(clients, world.ids))
    world.ids.update(seed_operations(clients, world.ids))
    world.ids.update(seed_lease_table(clients))
    world.ids.update(seed_audit_copies(clients))
    return world
