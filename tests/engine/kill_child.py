"""The child process of the crash-and-resume test: a headless session against a served world,
on a clock that reads the same world time as the parent's (wall time, scaled, from a shared
reference), so it can be SIGKILLed mid-refresh and resumed by the parent.

    python tests/engine/kill_child.py RUNBOOK ENDPOINT SESSIONS_DIR WORLD_NOW WALL_REF SPEED
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.commands.session_flow import start_session
from tui.engine.options import SessionOptions
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.runbook.loader import load_runbook


class SharedClock:
    """World time: `world_now` at wall time `wall_ref`, running `speed` times faster."""

    def __init__(self, world_now: datetime, wall_ref: float, speed: float) -> None:
        self.world_now, self.wall_ref, self.speed = world_now, wall_ref, speed

    def now(self) -> datetime:
        return self.world_now + timedelta(seconds=(time.time() - self.wall_ref) * self.speed)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


def main() -> int:
    runbook, endpoint, sessions, world_now, wall_ref, speed = sys.argv[1:7]
    clock = SharedClock(datetime.fromisoformat(world_now), float(wall_ref), float(speed))

    def make_cloud(recorder):
        clients = ClientFactory(
            region="us-east-1",
            endpoint_url=endpoint,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        return AwsCloud(AwsContext(clients, clock))

    outcome = start_session(
        load_runbook(runbook),
        clock=clock,
        make_cloud=make_cloud,
        sessions_dir=sessions,
        options=SessionOptions(poll=10, mode="real"),
        auto_approve=True,
    )
    return int(outcome.code)


if __name__ == "__main__":
    raise SystemExit(main())
