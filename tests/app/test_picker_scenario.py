"""The picker offers the scenario next to the runbook (issue 19): Enter rehearses with the one
shown, `s` chooses another of those the runbook can run, and the choice becomes the command
line `turnout rehearse RUNBOOK --scenario NAME`."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Markdown

from tests.app.conftest import run, until
from tui.app.runbook_entries import PickerChoice, find_runbooks, scenarios_for
from tui.app.screens.picker import PickerScreen
from tui.runbook.loader import load_runbook

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "runbooks"


def test_scenarios_for_a_runbook_start_healthy_and_leave_out_faults_timed_from_steps_it_lacks():
    canary = [s.name for s in scenarios_for(load_runbook(RUNBOOKS / "alb-canary.yaml"))]
    rds = [s.name for s in scenarios_for(load_runbook(RUNBOOKS / "rds-blue-green.yaml"))]
    assert canary[0] == "healthy" and "bad-ami" in canary
    # long-write and replica-lag start with a step called switchover: only RDS has one.
    assert "replica-lag" not in canary and "long-write" not in canary
    assert "replica-lag" in rds and "long-write" in rds


def test_s_chooses_the_scenario_and_enter_rehearses_with_it() -> None:
    entries = find_runbooks(RUNBOOKS)
    chosen: list[PickerChoice | None] = []
    shown: list[str] = []

    class Picker(App):
        CSS_PATH = str(ROOT / "tui" / "app" / "app.tcss")

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, RUNBOOKS), callback=chosen.append)

    app = Picker()
    canary = next(n for n, e in enumerate(entries) if e.name == "alb-canary")
    offered = scenarios_for(entries[canary].runbook)  # type: ignore[arg-type]

    def description() -> str:
        return app.screen.query_one(Markdown).source

    async def body() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            for _ in range(canary):
                await pilot.press("down")
            await until(pilot, lambda: "scenario `healthy`" in description(), 10, "healthy")
            shown.append(description())
            await pilot.press("s")
            await until(pilot, lambda: f"scenario `{offered[1].name}`" in description(), 10)
            shown.append(description())
            await pilot.press("enter")
            await until(pilot, lambda: bool(chosen), 10, "the choice")

    run(body)
    assert f"`s`: another of {len(offered)}" in shown[0]
    assert offered[1].title in shown[1]
    (choice,) = chosen
    assert choice is not None and choice.scenario == offered[1].name
    assert choice.argv() == ["rehearse", str(entries[canary].path), "--scenario", offered[1].name]
    assert PickerChoice(Path("x.yaml"), "run", "bad-ami").argv() == ["run", "x.yaml"]


def test_the_drills_are_offered_under_the_runbooks_and_enter_starts_one() -> None:
    from tui.app.runbook_entries import find_drills

    entries, drills = find_runbooks(RUNBOOKS), find_drills()
    first = next(n for n, d in enumerate(drills) if d.name == "first-canary")
    chosen: list[PickerChoice | None] = []
    shown: list[str] = []

    class Picker(App):
        CSS_PATH = str(ROOT / "tui" / "app" / "app.tcss")

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, RUNBOOKS, drills), callback=chosen.append)

    app = Picker()

    async def body() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            for _ in range(len(entries) + first):  # the separator is not an option
                await pilot.press("down")
            await until(pilot, lambda: "# Drill" in app.screen.query_one(Markdown).source, 10)
            shown.append(app.screen.query_one(Markdown).source)
            await pilot.press("x")  # a drill is a rehearsal: nothing is chosen
            await pilot.press("enter")
            await until(pilot, lambda: bool(chosen), 10, "the choice")

    run(body)
    assert (
        drills[first].lesson.split()[0] in shown[0] and "turnout drill run first-canary" in shown[0]
    )
    (choice,) = chosen
    assert choice is not None and choice.argv() == ["drill", "run", "first-canary"]
