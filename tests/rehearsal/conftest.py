"""The `aws` fixture: the same boto3 test runs in-process under mock_aws and over the server.

Each test gets a fresh moto world and a `ManualClock` that is the world's time, so a test moves
time with `aws.clock.advance(60)` and sees exactly what AWS would show a minute later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws
from moto.moto_api._internal.models import moto_api_backend

from tui.clock import ManualClock
from tui.rehearsal import fidelity
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.server import FAKE_CREDENTIALS, MotoServer

REGION = "us-east-1"

# One boto3 Session for the whole run: a Session parses each service's model once, and making a
# new Session per client (per test) made every moto test about three times slower.
_SESSION = boto3.session.Session(region_name=REGION, **FAKE_CREDENTIALS)


@dataclass
class AwsWorld:
    """A fresh moto world reached one way (`mode`), with the clock that is its time."""

    mode: str  # "inprocess" | "server"
    clock: ManualClock
    endpoint_url: str | None
    time: WorldTime  # the extensions' view of `clock`

    def client(self, service: str) -> Any:
        """A real boto3 client for `service` pointed at this world."""
        return _SESSION.client(
            service,
            endpoint_url=self.endpoint_url,
            # One attempt, no retry: what a test asks is what the world answers. (botocore's
            # `max_attempts` counts retries: 1 was one retry, and hid half the throttling.)
            config=Config(retries={"total_max_attempts": 1}),
        )

    def tick(self) -> None:
        """Let the world catch up with its clock, as the simulator loop does."""
        fidelity.tick(self.time)


@pytest.fixture(scope="session")
def _moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["inprocess", "server"])
def aws(request: pytest.FixtureRequest) -> Iterator[AwsWorld]:
    """A fresh world, in-process under mock_aws and then over the server."""
    clock = ManualClock()
    time = WorldTime(clock)
    fidelity.install(time)
    if request.param == "inprocess":
        with mock_aws():
            yield AwsWorld("inprocess", clock, None, time)
    else:
        server: MotoServer = request.getfixturevalue("_moto_server")
        fidelity.install(time)  # the server fixture installed its own time
        moto_api_backend.reset()
        yield AwsWorld("server", clock, server.endpoint_url, time)
        moto_api_backend.reset()
