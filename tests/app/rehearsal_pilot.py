"""Whole rehearsals in the real app, driven with key presses: `turnout rehearse`'s own wiring (its
world, its Cloud, `open_session` with the app as front end) with `App.run_test()` in place
of `App.run()`, and the world left running after the session so a test can ask it, through
boto3, what a person would check in AWS."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.app.conftest import until
from tests.app.screen_text import screen_text
from tui.app.app import TurnoutApp
from tui.app.screens.question import QuestionScreen
from tui.commands.rehearse import (
    start_world,
    world_cloud_maker,
    world_debriefs,
    world_questions_at_real_time,
    world_step_events,
)
from tui.commands.session_flow import Outcome, SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.engine.ports import QuestionKind
from tui.rehearsal.scenario import load_scenario
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook

ROOT = Path(__file__).resolve().parents[2]
POLL = 10.0  # `rehearse --poll`'s default, in world seconds
# How long a test waits for the world to get somewhere: a safety net, never a timing claim. A
# busy machine holds the world's clock back (it slows rather than leave holes in its metrics),
# so a world-minute can cost many real seconds; CI once needed more than the 60 s this was.
PATIENCE = 240.0

Drive = Callable[[Pilot, TurnoutApp, World], Awaitable[None]]
"""What the person does: press keys and read the screen until they leave the app."""


@dataclass
class Rehearsed:
    """How a rehearsal in the app ended, and its world (still running: ask it, then stop it)."""

    outcome: Outcome
    world: World


def rehearse_in_app(
    name: str,
    scenario: str,
    speed: float,
    sessions: Path,
    drive: Drive,
    worlds: list[World],
    size: tuple[int, int] = (120, 40),
    auto_approve: bool = False,
    overrides: dict[str, str] | None = None,
) -> Rehearsed:
    """Rehearse shipped runbook `name` (or the runbook file `name`, a path ending .yaml) on a new
    world at `speed` as `turnout rehearse` does in a terminal, `drive` pressing the keys. The
    world is appended to `worlds` for the caller to stop (after asking it what it looks like).
    `overrides` are `--set` values."""
    path = Path(name) if name.endswith(".yaml") else ROOT / "runbooks" / f"{name}.yaml"
    runbook = load_runbook(path, overrides or {})
    drill = load_scenario(scenario)
    world = start_world(drill, speed)
    worlds.append(world)
    debrief = world_debriefs(world, drill).in_app

    async def run_test(app: TurnoutApp) -> int | None:
        async with app.run_test(size=size) as pilot:
            await drive(pilot, app, world)
        return app.return_value

    request = SessionRequest(
        runbook,
        world.clock,
        world_cloud_maker(world),
        SessionOptions(poll=POLL, mode="rehearsal", scenario=scenario),
        front="app",
        auto_approve=auto_approve,
        sessions_dir=str(sessions),
        wrap_operator=world_questions_at_real_time(world),
        hear_events=world_step_events(world),
        debrief=debrief,
        run_app=lambda app: asyncio.run(run_test(app)),
    )
    outcome = open_session(request)
    return Rehearsed(outcome, world)


def asked(app: TurnoutApp, kind: QuestionKind, title: str = "") -> bool:
    """A question of `kind` whose title starts with `title` is open, and painted."""
    screen = app.screen
    return (
        isinstance(screen, QuestionScreen)
        and screen.question.kind is kind
        and screen.question.title.startswith(title)
        and screen.question.title in screen_text(app)
    )


def ended(app: TurnoutApp) -> bool:
    """The session is over and the status bar says so."""
    return app.model.ended is not None and "SESSION ENDED" in screen_text(app)


async def confirm_checklist(pilot: Pilot, app: TurnoutApp) -> None:
    """Say yes to each checklist item, one `y` each, as it comes up."""
    for n in range(1, len(app.model.checklist) + 1):
        title = f"Checklist {n} of"
        await until(pilot, lambda t=title: asked(app, QuestionKind.CHECKLIST, t), PATIENCE, title)
        await pilot.press("y")


async def confirm_first_step(pilot: Pilot, app: TurnoutApp, step: str) -> None:
    """Through the checklist, then yes to the confirmation of `step`, the first that asks."""
    await confirm_checklist(pilot, app)
    await until(pilot, lambda: asked(app, QuestionKind.CONFIRM), PATIENCE, f"{step} confirmation")
    assert f"Confirm the next step · {step}" in screen_text(app)
    await pilot.press("y")


def panel(text: str, title: str) -> str:
    """The lines of the panel titled `title` on the screen (`╭─ title ─…╮` to its `╰…╯`),
    without what lies left of it; empty if it is not on the screen."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        start = line.find(f"╭─ {title} ─")
        if start < 0:
            continue
        inside = []
        for below in lines[n + 1 :]:
            cell = below[start:]
            if cell.startswith("╰"):
                break
            inside.append(cell)
        return "\n".join(inside)
    return ""


def number_after(text: str, pattern: str) -> float:
    """The number the regular expression `pattern` captures in `text` (fails if none)."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in:\n{text}"
    return float(match[1])


# -- what AWS says (through boto3, on the world's endpoint) ---------------------------------------


def listener_weights(world: World) -> dict[str, int]:
    """The ALB listener's forward weights by target group name."""
    elbv2 = world.clients.client("elbv2")
    listener = elbv2.describe_listeners(ListenerArns=[world.seeded["listener"]])["Listeners"][0]
    (action,) = listener["DefaultActions"]
    forward = action["ForwardConfig"]["TargetGroups"]
    groups = elbv2.describe_target_groups(TargetGroupArns=[g["TargetGroupArn"] for g in forward])
    names = {g["TargetGroupArn"]: g["TargetGroupName"] for g in groups["TargetGroups"]}
    return {names[g["TargetGroupArn"]]: g["Weight"] for g in forward}


def instance_refreshes(world: World, group: str) -> list[dict[str, Any]]:
    """The group's instance refreshes, newest first."""
    autoscaling = world.clients.client("autoscaling")
    return autoscaling.describe_instance_refreshes(AutoScalingGroupName=group)["InstanceRefreshes"]


def group_instances(world: World, group: str) -> list[dict[str, Any]]:
    """The group's instances as Auto Scaling lists them, each with its EC2 `ImageId`."""
    autoscaling, ec2 = world.clients.client("autoscaling"), world.clients.client("ec2")
    found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])
    instances = found["AutoScalingGroups"][0]["Instances"]
    reservations = ec2.describe_instances(InstanceIds=[i["InstanceId"] for i in instances])
    images = {
        i["InstanceId"]: i["ImageId"] for r in reservations["Reservations"] for i in r["Instances"]
    }
    return [{**i, "ImageId": images[i["InstanceId"]]} for i in instances]


def template_version_on(world: World, template: str, image: str) -> str:
    """The number of `template`'s version that launches `image` (the newest such)."""
    ec2 = world.clients.client("ec2")
    versions = ec2.describe_launch_template_versions(LaunchTemplateName=template)
    numbers = [
        v["VersionNumber"]
        for v in versions["LaunchTemplateVersions"]
        if v["LaunchTemplateData"].get("ImageId") == image
    ]
    assert numbers, f"no version of {template} launches {image}"
    return str(max(numbers))
