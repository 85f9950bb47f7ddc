"""Running a whole session against the rehearsal world in-process, fast.

The world runs under mock_aws on a ManualClock; `DrillClock` is the engine's clock: its
`sleep` moves the world's time and steps the simulator every `interval` seconds of it, so a
30-minute instance refresh with its bakes takes a few seconds of wall time, with metrics,
refresh progress and timeouts all on one clock.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from tests.rehearsal.world_drill import start_world
from tui.audit.resume import resume_state
from tui.audit.session_log import file_sha256
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud, driver_classes
from tui.aws.context import AwsContext
from tui.commands.rehearse import world_step_events
from tui.commands.session_flow import Outcome, SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.engine.resuming import check_resumable
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook
from tui.runbook.policy import least_privilege, policy_json

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"


WARM_UP = 120.0
"""World seconds the world runs before the session, so metrics have history (as in AWS)."""


class DrillClock:
    """The world's ManualClock, stepping the simulator as engine time passes."""

    def __init__(self, world: World, interval: float = 30.0) -> None:
        self.world, self.interval = world, interval
        self.manual = world.clock
        self._next = self.manual.now().timestamp() + interval
        # Two threads sleep on it at once: the engine's, polling guardrails while a question
        # waits, and a scripted person's (or a question's asker). Unserialised, both stepped
        # the simulator at the same time and raced `_next`.
        self._lock = threading.Lock()
        world.simulator.step()  # the world has metrics before the session looks at any

    def now(self) -> datetime:
        return self.manual.now()

    def advance(self, seconds: float) -> None:
        self.sleep(seconds)

    def sleep(self, seconds: float) -> None:
        with self._lock:
            target = self.manual.now().timestamp() + max(seconds, 0.0)
            while self._next <= target:
                self.manual.advance(self._next - self.manual.now().timestamp())
                self.world.simulator.step()
                self._next += self.interval
            self.manual.advance(target - self.manual.now().timestamp())


@dataclass
class Drill:
    """A drill's world (still running: stop it) and the session's outcome and output."""

    world: World
    outcome: Outcome
    output: str
    clock: DrillClock | None = None
    runbook: Any = None
    scenario: str = "healthy"
    poll: float = 30.0
    config: Any = None
    preflight: bool = False  # the session runs the preflight (as under `rehearse --policy`)

    @property
    def code(self) -> int:
        return int(self.outcome.code)

    @property
    def log(self) -> Path:
        return self.outcome.session_dir / "audit.jsonl"

    def calls(self, name: str) -> int:
        """How many times the session called `service.Operation`."""
        return self.outcome.recorder.counts.get(name, 0) if self.outcome.recorder else 0

    def session(self, creds: dict[str, Any], tmp: Path, resume: Any = None) -> Drill:
        """Run (or, given `resume`, resume) a session on this drill's world and clock."""
        world, clock = self.world, self.clock

        def make_cloud(recorder: Any) -> AwsCloud:
            clients = ClientFactory(region=names.REGION, credentials=creds, recorder=recorder)
            if self.config is not None:
                clients.config = self.config
            return AwsCloud(AwsContext(clients, clock, world.http_hosts))

        out = io.StringIO()
        outcome = open_session(
            SessionRequest(
                self.runbook,
                clock=clock,  # type: ignore[arg-type]
                make_cloud=make_cloud,
                sessions_dir=str(tmp),
                options=SessionOptions(
                    poll=self.poll,
                    mode="rehearsal",
                    scenario=self.scenario,
                    preflight=self.preflight,
                ),
                auto_approve=True,
                console=Console(file=out, width=200, soft_wrap=True),
                resume=resume,
                hear_events=world_step_events(world),  # as `rehearse` does: faults timed from steps
            )
        )
        return replace(self, outcome=outcome, output=out.getvalue())


def missing_drivers(runbook: Any) -> list[str]:
    """Actions of `runbook` no adapter implements yet."""
    have = set(driver_classes()) | {"manual", "wait"}
    return sorted({s.action for s in (*runbook.order, *runbook.rollback)} - have)


def drill(
    name: str,
    tmp: Path,
    scenario: str = "healthy",
    *,
    sets: dict[str, str] | None = None,
    warp: float = 0.0,
    poll: float = 30.0,
    config: Any = None,
    interval: float = 30.0,
    credentials: Callable[[World], dict[str, Any]] | None = None,
    policy: bool = False,
) -> Drill:
    """Run shipped runbook `name` (or the runbook file `name`, a path ending .yaml) headless
    with --auto-approve against a fresh world. `credentials(world)` gives the session's
    (default: the world's fake long-term keys), e.g. from the world's STS AssumeRole. With
    `policy`, the world holds the session to exactly what `turnout policy` prints for the
    runbook, and the session runs the preflight first (`turnout rehearse --policy`)."""
    path = Path(name) if name.endswith(".yaml") else RUNBOOKS / f"{name}.yaml"
    runbook = load_runbook(path, sets or {})
    text = policy_json(least_privilege(runbook)) if policy else None
    world = start_world(scenario, policy=text)
    clock = DrillClock(world, interval)
    clock.sleep(warp or WARM_UP)
    if credentials:
        creds = credentials(world)
    else:
        creds = world.session_credentials() if policy else dict(FAKE_CREDENTIALS)
    d = Drill(world, None, "", clock, runbook, scenario, poll, config, policy)  # type: ignore[arg-type]
    return d.session(creds, tmp)


def resume_drill(d: Drill, credentials: dict[str, Any]) -> Drill:
    """Resume drill `d`'s session from its audit log, on the same world and clock, with
    `credentials` (fresh ones, as after `aws sso login`)."""
    state = resume_state(d.outcome.session_dir)
    check_resumable(state, file_sha256(Path(d.runbook.file)))
    return d.session(credentials, d.outcome.session_dir.parent, resume=state)
