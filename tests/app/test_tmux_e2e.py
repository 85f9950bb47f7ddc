"""The real `turnout rehearse` command on a real terminal (tmux): the ALB canary under the bad-AMI
scenario, driven with key presses and read back from the screen, rolled back with one key, then
the debrief, the exit code, the audit log and the screenshots it left."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app.rehearsal_pilot import PATIENCE
from tests.app.tmux_driver import REPO, Tmux, have_tmux

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_tmux(), reason="tmux is not on PATH (.ci/run installs it)"),
]

BREACH = "Guardrail breached during canary: roll back?"


def _header(screen: str) -> str:
    """The header: one line, or two in a terminal narrower than it (docs/app.md)."""
    return "\n".join(screen.splitlines()[:2])


def _countdown(screen: str) -> int:
    """Seconds left on the rollback question's countdown ("… automatically in 1:58")."""
    found = re.search(r"automatically in (\d+):(\d\d)", screen)
    assert found, screen
    return 60 * int(found[1]) + int(found[2])


def test_rehearse_alb_canary_bad_ami_rolls_back_in_tmux(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    tmux = Tmux(
        [
            "rehearse",
            "runbooks/alb-canary.yaml",
            "--scenario",
            "bad-ami",
            "--speed",
            # Not the default 10x: the rollback's verification waits two minutes of world time
            # for its evidence (12 s at 10x). While a question waits the world runs at real
            # time whatever the speed, which is what the countdown check below reads.
            "30",
            "--sessions-dir",
            str(sessions),
        ]
    )
    try:
        # The checklist, one item at a time, confirmed with y.
        for n in (1, 2, 3):
            screen = tmux.wait_for(f"Checklist {n} of 3", PATIENCE)
            assert "REHEARSAL" in _header(screen), _header(screen)
            tmux.keys("y")

        screen = tmux.wait_for("Confirm the next step · canary", PATIENCE)
        assert "elbv2.shift_weights" in screen
        tmux.keys("y")

        # The canary runs: the step list says so and the traffic split appears.
        screen = tmux.wait_for(
            lambda s: "▶ canary  running" in s or "◷ canary  baking" in s or BREACH in s,
            PATIENCE,
            what="the canary step running",
        )
        screen = tmux.wait_for("Traffic split", PATIENCE)
        assert "web-green" in screen

        # The error rate climbs on green: the rollback question, with its countdown.
        # Wait for the whole modal, not just the status line that announces it: the status
        # line too says the breach and "Roll back now automatically in" (a busy machine once
        # read it a frame before the modal was painted), but only the modal has its heading
        # and "unless you answer".
        screen = tmux.wait_for(
            lambda s: "GUARDRAIL BREACHED · canary" in s and "unless you answer" in s,
            PATIENCE,
            what="the rollback question with its countdown",
        )
        assert BREACH in screen
        assert "green 5xx rate" in screen
        assert "Roll back now automatically in" in screen
        # While the question waits, the world runs at real time: the countdown loses a second
        # a second. Measured against the real time between the two readings, however long a
        # busy machine makes it: at 30x the countdown would lose thirty seconds for each one.
        # Wait for it to lose two seconds, then compare with the real time that took.
        left, read_at = _countdown(screen), time.monotonic()
        later = tmux.wait_for(
            lambda s: "automatically in" in s and _countdown(s) <= left - 2,
            PATIENCE,
            what="the countdown to lose two seconds",
        )
        elapsed = time.monotonic() - read_at
        lost = left - _countdown(later)
        assert lost <= 2 * elapsed + 1, (left, lost, elapsed)
        tmux.keys("Enter")

        # Rolling back: the manual rollback step asks to be done by hand; say it is.
        def ended_or_asks(s: str) -> bool:
            return "SESSION ENDED" in s or "[y] Done" in s

        while True:
            screen = tmux.wait_for(ended_or_asks, PATIENCE, what="the end or a manual undo")
            if "SESSION ENDED" in screen:
                break
            tmux.keys("y")
            tmux.wait_for(lambda s: "[y] Done" not in s, PATIENCE, what="the manual step answered")

        assert "SESSION ENDED: rolled back (exit 3)" in screen
        assert "REHEARSAL · simulated AWS" in _header(screen)
        assert "↩ canary  rolled back" in screen
        assert "web-blue 100 %" in screen
        # The drill's debrief, in the app, before anyone leaves it.
        screen = tmux.wait_for("Debrief: scenario bad-ami", PATIENCE)
        assert "time to detect" in screen and "errors served to users" in screen

        tmux.keys("q")
        screen = tmux.wait_for("EXIT=", PATIENCE)
        assert "EXIT=3" in screen
        # The app painted before the world booted (tests/app/test_paint_first.py pins it): no
        # spinner line is left above the app's summary any more.
        assert "time to detect" in screen
        assert "outcome" in screen and "rolled back" in screen
    finally:
        tmux.close()

    [session] = [p.parent for p in sessions.glob("*/audit.jsonl")]
    verify = subprocess.run(
        [sys.executable, "-m", "tui", "audit", "verify", str(session)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "hash chain verified" in verify.stdout
    svgs = sorted((session / "screens").glob("*.svg"))
    assert svgs, "no screenshot saved for the questions"
    breach = [p for p in svgs if p.name.endswith("-canary-breach.svg")]
    assert breach and breach[0].read_text().startswith("<svg")
