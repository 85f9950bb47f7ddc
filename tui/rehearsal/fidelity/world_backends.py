"""Walking moto's backends without creating any: the extensions' view of the whole world.

moto creates a backend the first time an account or region is indexed, so a `tick` that indexed
`autoscaling_backends["123456789012"]["us-east-1"]` would conjure empty worlds. These helpers only
visit backends that already exist. Not an extension itself (no install/tick).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def each(backend_dict: Any) -> Iterator[Any]:
    """Every backend that exists in a moto `BackendDict`, across accounts and regions."""
    for account_backends in list(dict.values(backend_dict)):
        yield from list(dict.values(account_backends))


def find_instance(instance_id: str) -> Any | None:
    """The moto EC2 `Instance` with this id, in whichever account and region holds it."""
    from moto.ec2.models import ec2_backends

    for backend in each(ec2_backends):
        for reservation in list(backend.reservations.values()):
            for instance in reservation.instances:
                if instance.id == instance_id:
                    return instance
    return None
