"""What an action driver is built with: boto3 clients, the engine's clock, rehearsal hosts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tui.aws.clients import ClientFactory
from tui.aws.resolve import Resolver
from tui.clock import Clock


@dataclass
class AwsContext:
    """Shared by every driver of one session.

    `clients` report every call to the session's CallRecorder (see clients.py); `clock` is the
    engine's (the world's, in a rehearsal), so bake times and timeouts agree with the metrics;
    `http_hosts` maps host names to `127.0.0.1:port` in a rehearsal, so `http.probe` reaches the
    world's front door and never the internet. `resolve` turns the runbook's names into AWS ids
    (tui/aws/resolve/), one lookup per name for the whole session, shared by every driver.
    """

    clients: ClientFactory
    clock: Clock
    http_hosts: Mapping[str, str] = field(default_factory=dict)
    resolve: Resolver = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.resolve = Resolver(self.clients)
