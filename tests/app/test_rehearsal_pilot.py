"""Whole rehearsals in the app, driven with key presses (issue 7): the real `TurnoutApp`, the
engine's `Session` and the rehearsal world on moto, wired as `turnout rehearse` wires them in a
terminal (tests/app/rehearsal_pilot.py). What the screen shows is read from the app's rendered
text; what AWS did is asked of the world through boto3.

- the ALB canary under bad-ami: the guardrail breaches, one key rolls back, the listener is back
  on blue and the session exits with the rollback code;
- the Spot / On-Demand batch group's instance refresh on the healthy world runs to Successful,
  every instance on the new AMI. (asg-instance-refresh would be the classic one, but with its
  10-minute bake it takes 25 s of wall time at the fastest speed rehearse allows.)
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.app.conftest import until
from tests.app.rehearsal_pilot import (
    PATIENCE,
    asked,
    confirm_first_step,
    ended,
    group_instances,
    instance_refreshes,
    listener_weights,
    number_after,
    panel,
    rehearse_in_app,
    template_version_on,
)
from tests.app.screen_text import screen_text
from tui.app.question import ENGINE_ACTOR
from tui.audit.verify import verify
from tui.commands.debrief_view import build_debrief
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode
from tui.rehearsal.world import World

pytestmark = pytest.mark.slow

BREACH = "Guardrail breached during canary: roll back?"
CANARY_SPEED = 30.0  # between questions: while one waits, the world runs at real time
# 60x, `rehearse --headless`'s default: at 100x a loaded machine starved the world's simulator
# long enough to leave a one-minute period without GroupInServiceInstances, and the guardrail's
# `missing_data: pause` then (rightly) stopped the refresh to ask.
REFRESH_SPEED = 60.0
NEW_AMI = "ami-0000000000000b002"  # web v2, the runbooks' default `ami`


def countdown(text: str) -> int:
    """Seconds left on the breach question's countdown ("… automatically in 1:58")."""
    minutes, seconds = re.search(r"automatically in (\d+):(\d\d)", text).groups()  # type: ignore[union-attr]
    return 60 * int(minutes) + int(seconds)


def test_bad_ami_canary_breaches_and_one_key_rolls_back_to_blue(
    tmp_path: Path, worlds: list[World]
) -> None:
    seen: dict[str, object] = {}

    async def person(pilot, app, world) -> None:
        await confirm_first_step(pilot, app, "canary")

        # The canary runs: the traffic split on screen, and the same weights in AWS.
        def canary_running() -> bool:
            step = app.model.step("canary")
            if step is None or step.progress is None or "weights" not in step.progress.detail:
                return False  # cheap checks first: rendering the screen takes CPU from the world
            text = screen_text(app)
            return "▶ canary  running" in text and "web-green 5 %" in panel(text, "Traffic split")

        await until(pilot, canary_running, PATIENCE, "the canary running with its traffic split")
        seen["running"] = listener_weights(world)

        # Green answers 5xx: the guardrail breaches and the question counts down.
        await until(
            pilot,
            lambda: (
                asked(app, QuestionKind.BREACH, BREACH) and "unless you answer" in screen_text(app)
            ),
            PATIENCE,
            "the breach question with its countdown",
        )
        seen["breach"] = screen_text(app)
        # While the question waits for the person, the world runs at real time: its countdown
        # loses a second a second (at 30x it ran out in four), and so does the world.
        # Both are measured against the real seconds between the readings, however many a
        # busy machine makes of the two asked for.
        world_before, left_before = world.clock.now(), countdown(screen_text(app))
        real_before = time.monotonic()
        await pilot.pause(2.0)
        seen["world seconds"] = (world.clock.now() - world_before).total_seconds()
        seen["countdown lost"] = left_before - countdown(screen_text(app))
        seen["real seconds"] = time.monotonic() - real_before
        await pilot.press("r")  # [r] Roll back now

        # The rollback plan's manual step: say it is done.
        await until(pilot, lambda: asked(app, QuestionKind.MANUAL), PATIENCE, "the manual undo")
        await pilot.press("y")
        await until(pilot, lambda: ended(app), PATIENCE, "the end of the session")
        seen["end"] = screen_text(app)
        # The drill's debrief, on the screen before anyone leaves.
        await until(
            pilot, lambda: "Debrief: scenario bad-ami" in screen_text(app), PATIENCE, "the debrief"
        )
        seen["debrief"] = screen_text(app)
        await pilot.press("q")

    result = rehearse_in_app(
        "alb-canary",
        "bad-ami",
        CANARY_SPEED,
        tmp_path,
        person,
        worlds,
        size=(160, 48),  # wide: the guardrail panel stays in sight beside the question
    )
    world, outcome = result.world, result.outcome

    # While the canary ran, AWS really sent green traffic, as the screen said.
    assert seen["running"] == {"web-blue": 95, "web-green": 5}

    breach = str(seen["breach"])
    assert "GUARDRAIL BREACHED · canary" in breach
    assert "[r] Roll back now" in breach
    assert "Roll back now automatically in" in breach
    guardrails = panel(breach, "Guardrails")
    assert "✗ BREACHED 2/2 → rollback" in guardrails, guardrails
    rate = number_after(guardrails, r"green 5xx rate\s+([0-9.]+) \(≤ 1\.00\)")
    assert rate > 1.0, guardrails  # the error rate, over its threshold of 1 %
    real = float(seen["real seconds"])  # at least 2
    assert 0.75 * real <= float(seen["world seconds"]) <= 1.25 * real + 0.5, seen  # 30x: 60
    assert 1 <= float(seen["countdown lost"]) <= real + 1.5, seen
    # Between questions the world is fast again (the governor may hold it under 30x).
    assert world.clock.speed > 1, world.clock.speed

    end = str(seen["end"])
    assert "SESSION ENDED: rolled back (exit 3)" in end
    assert "↩ canary  rolled back" in end
    assert "web-blue 100 %" in panel(end, "Traffic split")

    # AWS: the listener is back on blue; the exit code is the rollback's.
    assert listener_weights(world) == {"web-blue": 100, "web-green": 0}
    assert outcome.code == ExitCode.ROLLED_BACK

    # The audit log verifies, and says the operator (not the deadline) chose the rollback.
    verdict = verify(outcome.session_dir)
    assert verdict.ok, verdict.text
    records = verdict.reading.records
    answers = [r for r in records if r.type == "confirm.answer" and r.payload["step"] == "canary"]
    assert [(r.payload["answer"], r.actor != ENGINE_ACTOR) for r in answers] == [
        ("yes", True),  # the confirmation
        ("rollback", True),  # the breach, answered with r before its countdown ran out
    ], [(r.payload, r.actor) for r in answers]
    assert records[-1].type == "session.end" and records[-1].payload["outcome"] == "rolled_back"
    assert list((outcome.session_dir / "screens").glob("*-canary-breach.svg"))

    # The debrief (in the app, and printed after it): users saw errors, the guardrail caught
    # them.
    debrief = build_debrief("bad-ami", world.simulator.ledger, outcome.session_dir)
    assert debrief.outcome == "rolled_back"
    assert debrief.errors > 0 and debrief.time_to_detect is not None
    shown = panel(seen["debrief"], "Debrief: scenario bad-ami")
    assert "rolled back" in shown
    # The app's copy was read as the session ended: a simulator step already under way then may
    # land in the ledger a moment later, so the printed copy can count a few more.
    errors = number_after(shown, r"([0-9]+) of [0-9]+ \(")
    requests = number_after(shown, r"[0-9]+ of ([0-9]+) \(")
    assert 0 < errors <= debrief.errors and 0 < requests <= debrief.requests, shown


def test_healthy_instance_refresh_runs_to_successful_on_the_new_ami(
    tmp_path: Path, worlds: list[World]
) -> None:
    seen: dict[str, str] = {}

    async def person(pilot, app, world) -> None:
        await confirm_first_step(pilot, app, "refresh")

        # Half the group is new: the refresh waits at its 50 % checkpoint (5 world minutes).
        def at_checkpoint() -> bool:
            step = app.model.step("refresh")
            refresh = step.progress.detail.get("refresh") if step and step.progress else None
            if not refresh or refresh.get("checkpoint") is None:
                return False  # cheap checks first: rendering the screen takes CPU from the world
            seen["checkpoint"] = panel(screen_text(app), "Instance refresh")
            return "InProgress" in seen["checkpoint"] and "checkpoint 50 %" in seen["checkpoint"]

        await until(pilot, at_checkpoint, PATIENCE, "the refresh at its 50 % checkpoint")
        await until(pilot, lambda: ended(app), PATIENCE, "the end of the session")
        seen["end"] = screen_text(app)
        await pilot.press("q")

    result = rehearse_in_app(
        "spot-mixed-refresh", "healthy", REFRESH_SPEED, tmp_path, person, worlds
    )
    world, outcome = result.world, result.outcome

    checkpoint = seen["checkpoint"]
    done = number_after(checkpoint, r"━\s*([0-9]+)%")
    assert 0 < done < 100, checkpoint  # the progress bar, part way
    assert "to update" in checkpoint

    end = seen["end"]
    assert "SESSION ENDED: completed (exit 0)" in end
    assert "✓ refresh  done" in end
    refresh_panel = panel(end, "Instance refresh")
    assert "Successful · 0 to update" in refresh_panel and "100%" in refresh_panel, refresh_panel
    assert outcome.code == ExitCode.COMPLETED

    # AWS: the refresh completed and every instance runs the new AMI, from the new version.
    newest = instance_refreshes(world, "batch-asg")[0]
    assert (newest["Status"], newest["PercentageComplete"]) == ("Successful", 100), newest
    version = template_version_on(world, "batch-lt", NEW_AMI)
    instances = group_instances(world, "batch-asg")
    assert instances
    assert {(i["ImageId"], i["LaunchTemplate"]["Version"]) for i in instances} == {
        (NEW_AMI, version)
    }, instances
    verdict = verify(outcome.session_dir)
    assert verdict.ok, verdict.text
