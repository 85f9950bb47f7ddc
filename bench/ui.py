"""The app's speed and memory, measured as a terminal sees it. Prints its figures; run with
`PYTHONPATH=$PWD python bench/ui.py [--runs N]`.

1. First paint: from spawning the process to the first screen on a pseudo-terminal, for the
   session screen (alb-canary, mid-canary), for `turnout rehearse runbooks/alb-canary.yaml`
   (the app paints, then boots the world: also timed until the world is ready and the first
   question is up) and, in the same run, a bare Textual app (the floor). All run from compiled
   bytecode, as installed packages do. Target: session and rehearse ≤ 1.5 × bare.
2. Key-press-to-repaint: `t` written to the terminal while 40 guardrail metrics update every
   second; the time until the screen shows the key's effect. Target: median < 50 ms.
3. Memory: RSS while 30 simulated minutes of polling (40 metrics every 10 s, progress, audit
   records tailed from a real log) go through the app. Target: flat.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (160, 48)
METRICS = 40


# -- the children (run on a pseudo-terminal) ---------------------------------------------------


def child_bare() -> None:
    """The floor: the smallest Textual app that paints a word."""
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("bare-ready")

    Bare().run()


def child_rehearse() -> None:
    """`turnout rehearse runbooks/alb-canary.yaml` as a person starts it, sessions in a temp dir."""
    import tempfile

    from tui.cli import main as turnout

    with tempfile.TemporaryDirectory() as sessions:
        os.chdir(ROOT)
        turnout(["rehearse", "runbooks/alb-canary.yaml", "--sessions-dir", sessions])


def _readings(step: str, n: int, t0, tick: int):
    from tui.engine.events import GuardrailReading

    out = []
    for i in range(n):
        points = tuple(
            (t0 + timedelta(seconds=10 * k), 0.2 + 0.1 * ((k + i) % 7))
            for k in range(tick, tick + 30)
        )
        out.append(
            GuardrailReading(
                step, f"metric {i:02d}", points[-1][1], None, 1.0, 0, 3, "rollback", points
            )
        )
    return tuple(out)


def child_session() -> None:
    """The session screen mid-canary, with 40 metrics updating every second from a thread. It
    imports what `turnout rehearse` would (the app, the runbook), nothing from the tests."""
    from datetime import UTC, datetime

    from tui.app.app import TurnoutApp
    from tui.app.messages import EngineEvent
    from tui.aws.protocol import Identity, Progress
    from tui.clock import ManualClock
    from tui.engine.events import GuardrailsPolled, SessionStarted, StepChanged, StepProgress
    from tui.engine.ports import StepState
    from tui.runbook.loader import load_runbook

    start = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    clock = ManualClock(start + timedelta(minutes=23))
    runbook = load_runbook(ROOT / "runbooks" / "alb-canary.yaml")
    app = TurnoutApp(runbook, clock, "/tmp", who="bench", tail_log=False)
    weights = {
        "resource": "web-alb:80",
        "weights": {"web-blue": 75, "web-green": 25},
        "step": 2,
        "steps": [5, 25, 50, 100],
        "bake_remaining": 192,
    }
    events = [
        SessionStarted(
            runbook.name,
            runbook.title,
            Identity("123456789012", "arn", "us-east-1"),
            True,
            "/tmp",
            start,
            start + timedelta(minutes=90),
        ),
        StepChanged("drain-delay", StepState.DONE),
        StepChanged("canary", StepState.RUNNING, "step 2 of 4"),
        StepProgress("canary", Progress("running", "25 %", 50, {"weights": weights})),
    ]

    def feed() -> None:
        tick = 0
        while True:
            time.sleep(1.0)
            tick += 1
            clock.advance(1)
            readings = _readings("canary", METRICS, start, tick)
            app.post_message(EngineEvent(GuardrailsPolled("canary", clock.now(), readings)))

    def on_ready() -> None:
        for event in events:
            app.apply_event(event)
        threading.Thread(target=feed, daemon=True).start()

    app.call_later(on_ready)
    app.run()


# -- the parent: drive children on a pty ------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal of SIZE, its output collected by a thread."""

    def __init__(self, mode: str) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="", LINES="")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, __file__, mode],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.buffer = bytearray()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.changed:
                self.buffer += chunk
                self.changed.notify_all()

    def wait_for(self, marker: bytes, start: int = 0, timeout: float = 30.0) -> float:
        """Seconds (perf_counter) when `marker` appeared after byte `start`."""
        end = time.perf_counter() + timeout
        with self.changed:
            while marker not in self.buffer[start:]:
                left = end - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(marker)
                self.changed.wait(left)
            return time.perf_counter()

    def press(self, key: bytes, marker: bytes) -> float:
        """Write a key; seconds until the output shows `marker`."""
        with self.lock:
            start = len(self.buffer)
        sent = time.perf_counter()
        os.write(self.master, key)
        return self.wait_for(marker, start) - sent

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        # Close our side only once the reader has stopped (it does when the child's side goes).
        # Closed under a live reader, the descriptor's number went to the next Terminal's pty,
        # and the old reader, between two reads, read that terminal's output: now and then a
        # marker never reached the buffer it was looked for in (a 30 s timeout, bare app too).
        self.reader.join(timeout=5)
        os.close(self.master)


def first_paint(mode: str, marker: bytes, then: bytes | None = None) -> tuple[float, float]:
    """Seconds from spawning `mode` to `marker` on its terminal, and on to `then` (0 without)."""
    term = Terminal(mode)
    try:
        painted = term.wait_for(marker)
        later = term.wait_for(then, timeout=120.0) if then else painted
        return painted - term.started, later - term.started
    finally:
        term.close()


KEYS = {
    # `t` cycles the panels and says so in a toast: the toast's words mark the repaint.
    "t (toggle panels)": [(b"t", b"Showing")],
    # Down/up in the step list show the next step, then the current one, in the middle pane.
    "down/up (look at a step)": [
        (b"\x1b[B", "full-traffic-bake \u2014 Watch".encode()),
        (b"\x1b[A", "canary \u2014 Shift".encode()),
    ],
}


def key_latency(presses: int) -> dict[str, list[float]]:
    """Seconds from writing each key to the screen showing its effect, per kind of key."""
    term = Terminal("child-session")
    try:
        term.wait_for(b"Roll back now")
        time.sleep(2.5)  # let the metric thread run a few ticks first
        latencies: dict[str, list[float]] = {name: [] for name in KEYS}
        for name in reversed(KEYS):  # looking at steps first: `t` hides the step pane
            keys = KEYS[name]
            for n in range(presses):
                key, marker = keys[n % len(keys)]
                latencies[name].append(term.press(key, marker))
                time.sleep(0.37 + 0.05 * (n % 5))  # land at different phases of the 1 s tick
        return latencies
    finally:
        term.close()


def rss_over_polling(minutes: int = 30, poll: int = 10) -> list[tuple[int, float]]:
    """RSS (MiB) after each simulated 5 minutes of polling, in this process."""
    sys.path.insert(0, str(ROOT))
    import tempfile

    from tests.app import states
    from tests.session_logs import started_log
    from tui.app.app import TurnoutApp
    from tui.app.messages import EngineEvent
    from tui.aws.protocol import Progress
    from tui.clock import ManualClock
    from tui.engine.events import GuardrailsPolled, StepProgress

    def rss() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    clock = ManualClock(states.NOW)
    log = started_log(tmp, clock, "bench")
    state = states.canary_split()
    app = TurnoutApp(states.runbook(state.runbook), clock, tmp, who="bench")
    samples: list[tuple[int, float]] = []

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            for event in state.events:
                app.apply_event(event)
            polls = minutes * 60 // poll
            for n in range(1, polls + 1):
                clock.advance(poll)
                readings = _readings("canary", METRICS, states.NOW, n)
                app.post_message(EngineEvent(GuardrailsPolled("canary", clock.now(), readings)))
                detail = {
                    "weights": {
                        "resource": "web-alb:80",
                        "weights": {"web-blue": 75, "web-green": 25},
                        "step": 2,
                        "steps": [5, 25, 50, 100],
                        "bake_remaining": 300 - (n * poll) % 300,
                    }
                }
                app.post_message(
                    EngineEvent(StepProgress("canary", Progress("running", "", 50, detail)))
                )
                log.step_progress("canary", "InProgress", percent=50, detail=detail)
                for r in readings[:3]:
                    log.guardrail(
                        "canary",
                        name=r.name,
                        value=r.value,
                        metrics={"m": r.value},
                        breached=False,
                        threshold={"max": 1.0},
                        needed=3,
                    )
                await pilot.pause(0.01)
                if n % (300 // poll) == 0:
                    await pilot.pause(1.1)  # let the audit tail catch up before sampling
                    samples.append((n * poll // 60, rss()))
            await pilot.press("q")

    asyncio.run(drive())
    log.close()
    return samples


def compile_bytecode() -> None:
    """Compile turnout's modules as installing it does, before timing its start.

    The floor, Textual, runs from the bytecode compiled when it was installed, and so does an
    installed turnout (pip compiles on install). Run from a source tree where bytecode is never
    written (PYTHONDONTWRITEBYTECODE=1, as on the development machines), the session child
    compiled every module of tui from source on every run: some 35 ms of the gap that no
    installed `turnout` pays. compileall writes the __pycache__ files whatever that variable
    says, and skips modules whose bytecode is up to date.
    """
    import compileall

    compileall.compile_dir(ROOT / "tui", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="first-paint runs of each app")
    parser.add_argument("--presses", type=int, default=30, help="key presses to time")
    parser.add_argument("--paint-only", action="store_true", help="only the first-paint figures")
    args = parser.parse_args()

    compile_bytecode()
    bare, session, rehearse, ready = [], [], [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits them alike
        bare.append(first_paint("child-bare", b"bare-ready")[0])
        session.append(first_paint("child-session", b"Roll back now")[0])
        # The header's title is in the first frame; the checklist's first question is asked
        # once the world has booted and the session has started on it.
        painted, asked = first_paint("child-rehearse", b"Roll back now", b"Checklist 1 of")
        rehearse.append(painted)
        ready.append(asked)
    b, s = statistics.median(bare), statistics.median(session)
    r, w = statistics.median(rehearse), statistics.median(ready)
    print(
        f"first paint, median of {args.runs}: bare Textual {b * 1000:.0f} ms, session screen "
        f"{s * 1000:.0f} ms, ratio {s / b:.2f} (target ≤ 1.50); `turnout rehearse` "
        f"{r * 1000:.0f} ms, ratio {r / b:.2f} (target ≤ 1.50), its world ready and the first "
        f"question up at {w:.1f} s"
    )
    if args.paint_only:
        return

    everything: list[float] = []
    for name, latencies in key_latency(args.presses).items():
        ms = sorted(x * 1000 for x in latencies)
        everything += ms
        print(
            f"key-to-repaint, {name}, {METRICS} metrics updating every second, {len(ms)} "
            f"presses: median {statistics.median(ms):.1f} ms, p90 "
            f"{ms[int(0.9 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms"
        )
    print(f"key-to-repaint, all keys: median {statistics.median(everything):.1f} ms (target < 50)")

    samples = rss_over_polling()
    shown = ", ".join(f"{m} min {r:.1f} MiB" for m, r in samples)
    growth = samples[-1][1] - samples[0][1]
    print(
        f"RSS over 30 simulated minutes of polling ({METRICS} metrics every 10 s): {shown}; "
        f"growth after the first 5 minutes {growth:+.1f} MiB (target: flat)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child-bare":
        child_bare()
    elif len(sys.argv) > 1 and sys.argv[1] == "child-session":
        child_session()
    elif len(sys.argv) > 1 and sys.argv[1] == "child-rehearse":
        child_rehearse()
    else:
        main()
