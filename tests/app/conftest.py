"""Fixtures for the app's tests: the shipped runbooks, a ManualClock, and an app driving a
`ScriptedSession` (tests/app/scripted.py) through the real `TextualOperator`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.app.scripted import ScriptedSession
from tui.app.app import TurnoutApp
from tui.clock import ManualClock
from tui.engine.ports import Operator
from tui.runbook.loader import load_runbook
from tui.runbook.model import Runbook

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def runbook(name: str) -> Runbook:
    """A shipped runbook by file stem."""
    return load_runbook(ROOT / "runbooks" / f"{name}.yaml")


@dataclass
class Drive:
    """An app around a scripted session, and the session once the app has built it."""

    app: TurnoutApp
    clock: ManualClock
    session_dir: Path
    sessions: list[ScriptedSession] = field(default_factory=list)

    @property
    def session(self) -> ScriptedSession:
        """The scripted session (built on the engine's thread when the app starts)."""
        return self.sessions[0]


@pytest.fixture
def drive(tmp_path: Path) -> Callable[..., Drive]:
    """`drive(runbook_name, debrief=None, **script_options)` → a `Drive` ready for
    `app.run_test()` (`debrief`: the app's DebriefMaker, as `turnout rehearse` passes)."""

    def build(name: str = "alb-canary", debrief: Any = None, **options: Any) -> Drive:
        clock = ManualClock(START)
        rb = runbook(name)
        made = Drive(None, clock, tmp_path)  # type: ignore[arg-type]

        def make(operator: Operator) -> ScriptedSession:
            session = ScriptedSession(rb, operator, clock, tmp_path, **options)
            made.sessions.append(session)
            return session

        made.app = TurnoutApp(rb, clock, tmp_path, make_session=make, who="alice", debrief=debrief)
        return made

    return build


async def until(
    pilot: Any, predicate: Callable[[], bool], timeout: float = 120.0, what: str | None = None
) -> None:
    """Let the app run until `predicate()` holds; fail after `timeout` real seconds, naming
    `what` was awaited and showing the screen as it was. The bound only ends a broken test: a
    fresh clone on a busy machine once needed more than the 30 s it was (a replay at 1000x)."""
    from tests.app.screen_text import screen_text

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(
                f"no {what or predicate} after {timeout:g} s; the screen:\n{screen_text(pilot.app)}"
            )
        await pilot.pause(0.02)


def run(test: Callable[[], Awaitable[None]]) -> None:
    """Run an async test body (the suite has no asyncio plugin)."""
    asyncio.run(test())


def in_app(
    cloud: Any, drive_app: Callable[[TurnoutApp], Awaitable[int | None]], **fields: Any
) -> Any:
    """Run CANARY (tests/conftest.py) through `open_session` in the real app with the real
    engine on `cloud` (a FakeCloud), `drive_app(app)` pressing keys inside `App.run_test()`;
    `fields` are the rest of the `SessionRequest` (sessions_dir, boot, ...). Its Outcome."""
    from tests.conftest import CANARY, START
    from tui.commands.session_flow import SessionRequest, open_session
    from tui.engine.options import SessionOptions
    from tui.runbook.loader import load_text

    request = SessionRequest(
        load_text(CANARY),
        ManualClock(START),
        lambda recorder: cloud,
        SessionOptions(poll=10, runbook_sha256="0" * 64),
        front="app",
        run_app=lambda app: asyncio.run(drive_app(app)),
        **fields,
    )
    return open_session(request)


@pytest.fixture
def worlds() -> Any:
    """Rehearsal worlds a test started (tests/app/rehearsal_pilot.py appends them); stopped
    after it, whatever happened."""
    started: list[Any] = []
    yield started
    for world in started:
        world.stop()
