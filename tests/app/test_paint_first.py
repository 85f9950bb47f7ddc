"""`turnout rehearse` paints the session screen first, then boots the world: the session's
`boot` runs on the app's engine thread once the app is up, and says what it is doing there.
The old command booted the world (4 s quiet, 12-17 s under load) before the app existed."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from tests.app.conftest import in_app, until
from tests.app.screen_text import screen_text
from tests.engine.fakes import FakeOperator
from tui.engine.events import Notice
from tui.engine.options import SessionOptions
from tui.exitcodes import ExitCode


def test_the_app_is_on_screen_before_the_boot_runs(tmp_path: Path, cloud) -> None:
    painted = threading.Event()
    booted_after_paint: list[bool] = []

    def boot(front, operator):  # what WorldBoot.start is to the session
        operator.notify(Notice("starting the rehearsal world (scenario healthy, 10x)…", "info"))
        # The old order: nothing on screen until this returned. Now the app is up and waits.
        booted_after_paint.append(painted.wait(60))
        return None

    async def drive(app) -> int | None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: "Test canary" in screen_text(app), what="the first paint")
            painted.set()
            await until(pilot, lambda: app.model.ended is not None, what="the end")
            await pilot.press("q")
        return app.return_value

    outcome = in_app(cloud, drive, auto_approve=True, sessions_dir=str(tmp_path), boot=boot)
    assert outcome.code == ExitCode.COMPLETED
    assert booted_after_paint == [True]


def test_the_world_boot_tells_the_app_what_it_is_doing() -> None:
    """WorldBoot.start, as the app's session calls it: each phase a notice, then ready."""
    from tui.commands.rehearse import WorldBoot
    from tui.rehearsal.scenario_loader import load_scenario_spec

    operator = FakeOperator()
    args = argparse.Namespace(lock_table=None, break_lease=False)
    boot = WorldBoot(load_scenario_spec("healthy"), SessionOptions(), 10.0, 0.0, args)
    try:
        options = boot.start("app", operator)
        said = [e.text for e in operator.events if isinstance(e, Notice)]
        assert said[0] == "starting the rehearsal world (scenario healthy, 10x)…"
        assert "rehearsal world: loading moto" in said
        assert "rehearsal world: waiting for the first metrics" in said
        assert said[-1].startswith("rehearsal world ready (scenario healthy, 10x) in ")
        assert options is not None and options.leases is not None  # the world's lease table
        assert boot.world.clock is boot.clock  # the clock the session opened on
    finally:
        boot.stop()


def test_leaving_while_the_world_boots_pauses_the_session_when_it_comes(
    tmp_path: Path, cloud
) -> None:
    """The app closes (a stop signal, a quit) while the session is still being made (the
    world booting): the session, once made, pauses at its first safe point, and the launcher
    waits for it. The old launcher saw no session yet, returned at once and closed the log
    under an engine about to start."""
    from tui.audit.chain import read_log

    booting, closed = threading.Event(), threading.Event()

    def boot(front, operator):
        booting.set()
        assert closed.wait(60)  # the app has gone before the world is up
        return None

    async def drive(app) -> int | None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, booting.is_set, what="the boot to begin")
            app.exit()
        closed.set()
        return app.return_value

    outcome = in_app(cloud, drive, sessions_dir=str(tmp_path), boot=boot)
    assert outcome.code == ExitCode.INTERRUPTED
    records = read_log(outcome.session_dir / "audit.jsonl").records
    assert records[-1].type == "session.end" and records[-1].payload["exit_code"] == 130
    assert cloud.calls == [] or all(what != "start" for what, _ in cloud.calls)
