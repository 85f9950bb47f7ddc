"""The rehearsal world in one object: server, clock, seeded stack and simulator.

    with World(speed=30) as world:          # served on 127.0.0.1, seeded, moving
        world.clients.client("elbv2")...     # or AWS_ENDPOINT_URL=world.endpoint_url

`World(serve=False)` keeps everything in-process under `mock_aws` for fast tests.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

from botocore.config import Config
from moto import mock_aws
from moto.moto_api._internal.models import moto_api_backend

from tui.aws.clients import ClientFactory
from tui.clock import Clock
from tui.rehearsal import fidelity, names
from tui.rehearsal.fidelity import throttling
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.front_door import FrontDoor
from tui.rehearsal.seed import SeededWorld, seed_world
from tui.rehearsal.server import FAKE_CREDENTIALS, MotoServer
from tui.rehearsal.simulator import Faults, Simulator
from tui.rehearsal.world_clock import SETTLE_SECONDS, new_world_clock

# The simulator marks its own calls so an injected throttling fault spares them: a throttled
# world would stop moving, which is not what a throttled AWS does.
SIMULATOR_USER_AGENT = "turnout-world-simulator"


# moto fills every EC2 backend it makes with its sample of public images (thousands of them,
# parsed again at every reset): 58 s of the test suite's CPU, 10 %, by py-spy. The world's
# runbooks name only its own two images (tui/rehearsal/images.py). A person who wants the
# sample in `turnout world` sets MOTO_EC2_LOAD_DEFAULT_AMIS=true.
DEFAULT_IMAGES_SETTING = "MOTO_EC2_LOAD_DEFAULT_AMIS"


class World:
    """A seeded, moving AWS world for rehearsal; a context manager."""

    def __init__(
        self,
        speed: float = 1.0,
        faults: Faults | None = None,
        clock: Clock | None = None,
        serve: bool = True,
        simulate: bool = True,
        policy: str | None = None,
    ) -> None:
        self.clock: Clock = clock or new_world_clock(speed)
        # The extensions' view of that clock, handed to them when they are installed.
        self.time = WorldTime(self.clock)
        self.faults = faults
        self.serve, self.simulate = serve, simulate
        # A policy document (JSON text) the session's credentials are held to, or None: every
        # call allowed (tui/rehearsal/operator_role.py).
        self.policy = policy
        self.operator: Any = None  # the OperatorSession, when there is a policy
        self.endpoint_url: str | None = None
        self.seeded: SeededWorld | None = None
        self.simulator: Simulator | None = None
        self.front_door: FrontDoor | None = None
        self.http_hosts: dict[str, str] = {}  # host name -> 127.0.0.1:port serving it
        self._server: MotoServer | None = None
        self._mock: Any = None

    def session_credentials(self) -> dict[str, Any]:
        """What a session in this world signs with: the operator's role session under a
        policy, else the world's fake credentials (every call allowed)."""
        return dict(self.operator.credentials) if self.operator else dict(FAKE_CREDENTIALS)

    def clients_for(self, user_agent: str | None = None) -> ClientFactory:
        """A client factory pointed at this world with the fake credentials."""
        config = Config(
            retries={"mode": "standard", "max_attempts": 3}, user_agent_extra=user_agent
        )
        return ClientFactory(
            region=names.REGION,
            endpoint_url=self.endpoint_url,
            credentials=FAKE_CREDENTIALS,
            config=config,
        )

    def start(self) -> World:
        """Serve (or mock), seed and set the simulator going."""
        os.environ.setdefault(DEFAULT_IMAGES_SETTING, "false")
        if self.serve:
            # moto's backends are process-wide: a world starts from an empty AWS, never from
            # what an earlier world in this process left behind.
            moto_api_backend.reset()
            self._server = MotoServer(self.time, hosts=lambda: dict(self.http_hosts))
            self.endpoint_url = self._server.start()
        else:
            fidelity.install(self.time)
            self._mock = mock_aws()
            self._mock.start()
        self.clients = self.clients_for()
        self.seeded = seed_world(self.clients)
        if self.policy is not None:
            from tui.rehearsal.operator_role import grant

            self.operator = grant(self.clients, self.policy)
        self.clock.advance(SETTLE_SECONDS)  # type: ignore[attr-defined]
        fidelity.tick(self.time)
        self.simulator = Simulator(
            self.clients_for(SIMULATOR_USER_AGENT), self.seeded, self.time, self.faults
        )
        self.simulator.faults.begin(self.clock.now())
        self.front_door = FrontDoor(self.simulator.serve_one, names.APP_HOST)
        self.http_hosts = {names.APP_HOST: self.front_door.start()}
        if self.simulate:
            self.simulator.start()
        return self

    def step_reached(self, step: str, moment: str) -> None:
        """A session's runbook step `step` has reached `moment` ("start": before its
        preconditions are checked; "end": done). A scenario fault that starts then is in the
        world, and in the metrics it publishes, before this returns: the session reads them
        next, so the drill's outcome does not hang on the speed or on how busy the machine is.
        Called on the session's thread (see `tui/commands/rehearse.py`, `WorldSteps`)."""
        if self.simulator is None:
            return
        if self.simulator.faults.step_reached(step, moment, self.clock.now()):
            self.simulator.step_now()
            if not hasattr(self.clock, "speed"):
                # A clock that moves only when told (a test's ManualClock): the session would
                # read at the very instant the datapoint was published, and GetMetricData's
                # EndTime is exclusive. On any running clock the read comes later; so here too.
                self.clock.advance(1.0)  # type: ignore[attr-defined]

    def fast_forward(self, on: bool) -> None:
        """A trainee's `f`: the world at its fastest while a bake or wait runs out (`on`),
        then back at its own speed (see the simulator's `fast_forward`)."""
        if self.simulator is not None:
            self.simulator.fast_forward(on)

    def stop(self) -> None:
        """Stop the simulator and the server (or the mock); safe to call twice."""
        if self.simulator is not None:
            self.simulator.stop()
        if self.front_door is not None:
            self.front_door.stop()
        # Throttling lives in moto's process-wide response classes: a stopped world's fault
        # must not throttle the next world (or anything else) in this process.
        throttling.clear()
        if self.operator is not None:
            from tui.rehearsal.operator_role import revoke

            revoke()  # access control is process-wide: the next world starts allowing all
            self.operator = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def __enter__(self) -> World:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
