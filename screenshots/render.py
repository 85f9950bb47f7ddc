"""Render the app's main states as SVG, from the real app on the moto world.

    python screenshots/render.py            # all of them, into screenshots/
    python screenshots/render.py --only picker canary

Each state comes from a real `turnout` command running in tmux (120×40), driven with key presses
as a person would drive it:

- questions are the SVGs the app itself saves at every question (the session's `screens/`);
- screens that are not questions (the picker, a refresh under way, the canary, the end) are saved
  by the same app on a signal: the command runs under this script's `--inner` mode, which is
  `turnout` itself plus a SIGUSR1 handler that calls Textual's `save_screenshot` on the running app.

Needs tmux. Takes about two minutes (the world runs at 20x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

STATES = ("picker", "refresh", "canary", "rollback-countdown", "end", "irreversible", "debrief")


# --- inside tmux: turnout, with a screenshot on SIGUSR1 ----------------------------------------


def _inner(shots: Path, argv: list[str]) -> int:
    """Run `turnout argv`; on SIGUSR1 save the running app's screen to shots/shot-NN.svg."""
    from textual.app import App

    from tui.cli import main

    apps: list[App] = []
    original_init = App.__init__

    def init(self: App, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        apps.append(self)

    App.__init__ = init  # type: ignore[method-assign]
    count = 0

    def shoot() -> None:
        nonlocal count
        count += 1
        name = f"shot-{count:02d}.svg"
        app = apps[-1]
        try:
            app.call_from_thread(app.save_screenshot, name, str(shots))
        except Exception as exc:  # report and carry on: the app must not die
            (shots / f"{name}.error").write_text(repr(exc))

    def on_signal(signum: int, frame: object) -> None:
        threading.Thread(target=shoot, daemon=True).start()

    signal.signal(signal.SIGUSR1, on_signal)
    (shots / "pid").write_text(str(os.getpid()))
    return main(argv)


# --- outside: drive the commands --------------------------------------------------------------


class Run:
    """One command in tmux under `--inner`, with its screenshots directory."""

    def __init__(self, work: Path, label: str, argv: list[str]) -> None:
        from tests.app.tmux_driver import Tmux

        self.shots = work / f"{label}-shots"
        self.shots.mkdir(parents=True)
        self.sessions = work / f"{label}-sessions"
        inner = ["--inner", str(self.shots), "--", *argv]
        self.tmux = Tmux(inner, linger=60, program=(sys.executable, str(HERE / "render.py")))
        self.taken = 0

    def wait_for(self, want, timeout: float = 40, what: str | None = None) -> str:
        return self.tmux.wait_for(want, timeout, what=what)

    def keys(self, *keys: str) -> None:
        self.tmux.keys(*keys)

    def shoot(self, dest: Path, settle: float = 0.6) -> None:
        """Save the app's screen as it is now to `dest`."""
        time.sleep(settle)  # let a repaint land
        pid = int(_wait_file(self.shots / "pid").read_text())
        self.taken += 1
        shot = self.shots / f"shot-{self.taken:02d}.svg"
        os.kill(pid, signal.SIGUSR1)
        _wait_file(shot)
        time.sleep(0.3)  # the file is written in one go, but be sure it is complete
        shutil.copyfile(shot, dest)
        print(f"  {dest.relative_to(REPO)}")

    def session_dir(self) -> Path:
        [log] = list(self.sessions.glob("*/audit.jsonl"))
        return log.parent

    def copy_question(self, suffix: str, dest: Path) -> None:
        """Copy the app's own SVG of the question whose file ends with `suffix`."""
        found = sorted((self.session_dir() / "screens").glob(f"*{suffix}"))
        if not found:
            raise SystemExit(f"no screens/*{suffix} in {self.session_dir()}")
        shutil.copyfile(found[0], dest)
        print(f"  {dest.relative_to(REPO)}  (the app's own {found[0].name})")

    def close(self) -> None:
        self.tmux.close()


def _wait_file(path: Path, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {path}")
        time.sleep(0.1)
    return path


def _rehearse(work: Path, label: str, runbook: str, *extra: str) -> Run:
    sessions = work / f"{label}-sessions"
    return Run(
        work,
        label,
        [
            "rehearse",
            f"runbooks/{runbook}.yaml",
            "--speed",
            "20",
            "--sessions-dir",
            str(sessions),
            *extra,
        ],
    )


def render_picker(work: Path, out: Path) -> None:
    run = Run(work, "picker", [])
    try:
        run.wait_for("asg-instance-refresh", what="the picker")
        run.keys("Down")
        run.shoot(out / "picker.svg")
    finally:
        run.close()


def render_alb_bad_ami(work: Path, out: Path, wanted: set[str]) -> None:
    """Canary with traffic split, the rollback countdown, the end screen and the debrief."""
    run = _rehearse(work, "alb", "alb-canary", "--scenario", "bad-ami")
    try:
        for n in (1, 2, 3):
            run.wait_for(f"Checklist {n} of 3")
            run.keys("y")
        run.wait_for("Confirm the next step · canary")
        run.keys("y")
        if "canary" in wanted:
            # The canary baking on its first step (5 % on green), before the breach.
            run.wait_for(lambda s: "bake" in s and "web-green 5 %" in s, what="canary baking")
            run.shoot(out / "canary.svg", settle=0.3)
        run.wait_for("Guardrail breached during canary: roll back?")
        time.sleep(1.5)  # a second of countdown gone, so the picture shows it running
        run.keys("Enter")
        while True:
            screen = run.wait_for(lambda s: "SESSION ENDED" in s or "[y] Done" in s)
            if "SESSION ENDED" in screen:
                break
            run.keys("y")
            run.wait_for(lambda s: "[y] Done" not in s, 10)
        if "end" in wanted:
            time.sleep(6)  # let the last notification fade
            run.shoot(out / "end.svg")
        if "rollback-countdown" in wanted:
            run.copy_question("-canary-breach.svg", out / "rollback-countdown.svg")
        run.keys("q")
        screen = run.wait_for("EXIT=")
        if "debrief" in wanted:
            screen = screen.replace(str(run.sessions) + "/", "sessions/")
            _pane_svg(screen, out / "debrief.svg", "turnout rehearse: the debrief")
    finally:
        run.close()


def render_refresh(work: Path, out: Path) -> None:
    """An instance refresh under way, with its guardrails charted."""
    run = _rehearse(work, "asg", "asg-instance-refresh")
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            screen = run.wait_for(
                lambda s: "WAITING FOR YOU" in s or _refreshing(s),
                120,
                what="a question or a refresh part way",
            )
            if "WAITING FOR YOU" in screen:
                run.keys("y")
                run.wait_for(lambda s, old=screen: s != old, 10)
                continue
            time.sleep(3)  # a few polls for the charts
            screen = run.tmux.screen()
            if _refreshing(screen) and "WAITING FOR YOU" not in screen:
                run.shoot(out / "refresh.svg")
                return
        raise SystemExit("the instance refresh never showed progress")
    finally:
        run.close()


def _refreshing(screen: str) -> bool:
    """The refresh panel shows a percentage part way (not 0 %, not done)."""
    import re

    if "Instance refresh" not in screen or "InProgress" not in screen:
        return False
    panel = screen[screen.index("Instance refresh") :]
    found = re.search(r"(\d+)%", panel)
    return found is not None and 0 < int(found.group(1)) < 100


def render_irreversible(work: Path, out: Path) -> None:
    """The RDS switchover: an irreversible step that wants its phrase typed."""
    run = _rehearse(work, "rds", "rds-blue-green")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            screen = run.wait_for("WAITING FOR YOU", 60)
            if "type" in screen.lower() and "switch over" in screen:
                phrase = _phrase(screen)
                run.keys("-l", phrase)
                time.sleep(0.5)
                run.keys("Enter")
                _wait_file(run.session_dir() / "screens", 10)
                time.sleep(2)
                run.copy_question("-typed.svg", out / "irreversible.svg")
                return
            run.keys("y")
            run.wait_for(lambda s, old=screen: s != old, 10)
        raise SystemExit("the irreversible confirmation never appeared")
    finally:
        run.close()


def _phrase(screen: str) -> str:
    import re

    found = re.search(r"switch over [A-Za-z0-9-]+", screen)
    if not found:
        raise SystemExit(f"no phrase to type on screen:\n{screen}")
    return found.group(0)


def _pane_svg(text: str, dest: Path, title: str) -> None:
    """The terminal's text (what the command printed after the app closed) as SVG."""
    from rich.console import Console
    from rich.text import Text

    lines = text.rstrip("\n").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    console = Console(record=True, width=120, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(Text("\n".join(lines)))
    console.save_svg(str(dest), title=title)
    print(f"  {dest.relative_to(REPO)}  (the terminal after the app closed)")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--inner":
        rest = sys.argv[3:]
        return _inner(Path(sys.argv[2]), rest[1:] if rest[:1] == ["--"] else rest)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=STATES, help="render only these")
    parser.add_argument("--out", default=str(HERE), help="where the SVGs go (screenshots/)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("render.py needs tmux on PATH", file=sys.stderr)
        return 2
    wanted = set(args.only or STATES)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="turnout-shots-") as tmp:
        work = Path(tmp)
        if "picker" in wanted:
            render_picker(work, out)
        if wanted & {"canary", "rollback-countdown", "end", "debrief"}:
            render_alb_bad_ami(work, out, wanted)
        if "refresh" in wanted:
            render_refresh(work, out)
        if "irreversible" in wanted:
            render_irreversible(work, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
