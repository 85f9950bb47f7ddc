"""How fast the rehearsal world starts, how much memory it and a drill take, what it costs idle.

    python bench/world_boot.py [--runs 5] [--drills 2] [--idle 20] [--busy] [--against DIR]

Each run starts a fresh interpreter (so imports and moto's backends are cold, as for a user):
"boot + seed" starts the server on 127.0.0.1 and seeds the whole world; "ready" is what
`turnout rehearse` waits for before its session starts (`start_world`: boot, seed and the first
metrics published). A drill is a whole `turnout rehearse --headless --auto-approve` of
rds-blue-green at 60x in its own process, measured for its peak RSS. Then one world idles with
its simulator running at speed 1 while we measure its process CPU. `--busy` keeps the other
core busy meanwhile (a spinning child process), the machine the targets are for. Targets
(issues 4 and 16): ready in 3 s on a busy machine, a drill's process under 300 MB, idle
simulator under 5 % of one core. `--against DIR` (another checkout, e.g. `git archive` of main
unpacked) measures boot and ready there too, run for run in turn with this tree's, and prints
the ratios: on a shared machine whose load drifts, only runs side by side compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_ONE_RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from tui.rehearsal.world import World
world = World(speed=1.0, simulate=False).start()
boot = time.perf_counter() - t0
world.stop()
print(json.dumps({"seconds": boot,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_READY = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from tui.commands.rehearse import start_world
from tui.rehearsal.scenario import load_scenario
world = start_world(load_scenario("healthy"), 60.0)
ready = time.perf_counter() - t0
world.stop()
print(json.dumps({"seconds": ready,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_DRILL = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(
    [sys.executable, "-m", "tui", "rehearse", "runbooks/rds-blue-green.yaml", "--headless",
     "--auto-approve", "--speed", "60", "--sessions-dir", sys.argv[1]],
    capture_output=True, text=True,
)
print(json.dumps({"seconds": time.perf_counter() - t0, "code": done.returncode,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

_IDLE = r"""
import json, os, sys, time
from tui.rehearsal.world import World
world = World(speed=1.0).start()
time.sleep(2)  # let the first ticks and lazy imports settle
cpu0, wall0, ticks0 = time.process_time(), time.perf_counter(), world.simulator.stats.ticks
time.sleep(float(sys.argv[1]))
cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
ticks = world.simulator.stats.ticks - ticks0
world.stop()
print(json.dumps({"cpu_percent": 100 * cpu / wall, "ticks": ticks, "wall": wall,
                  "error": world.simulator.stats.last_error}))
"""


def _child(code: str, *args: str, root: Path = ROOT) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _side_by_side(other: Path, runs: int) -> None:
    """Boot and ready here and in `other`, alternating run by run; medians and ratios."""
    for what, code in (("boot + seed", _ONE_RUN), ("ready", _READY)):
        here, there = [], []
        for _ in range(runs):
            here.append(_child(code))
            there.append(_child(code, root=other))
        mine = statistics.median(r["seconds"] for r in here)
        theirs = statistics.median(r["seconds"] for r in there)
        rss_mine = statistics.median(r["rss_mb"] for r in here)
        rss_theirs = statistics.median(r["rss_mb"] for r in there)
        print(
            f"{what}, side by side ({runs} runs each): here {mine:.2f} s, {other} {theirs:.2f} s"
            f" (ratio {mine / theirs:.2f}); RSS {rss_mine:.0f} MB against {rss_theirs:.0f} MB"
        )


def _report(what: str, results: list[dict], target: str) -> None:
    seconds = [r["seconds"] for r in results]
    rss = [r["rss_mb"] for r in results]
    print(
        f"{what} ({len(results)} runs): median {statistics.median(seconds):.2f} s"
        f" (min {min(seconds):.2f}, max {max(seconds):.2f}); peak RSS median "
        f"{statistics.median(rss):.0f} MB (max {max(rss):.0f}){target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drills", type=int, default=2, help="whole drills measured for RSS")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measurement")
    parser.add_argument("--busy", action="store_true", help="keep the other core busy")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    args = parser.parse_args()

    # A spinning process of the same priority: what "a busy 2-core machine" meant in issue 16.
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy else None
    try:
        print(f"machine: {os.cpu_count()} cores, {'busy' if hog else 'quiet'}")
        if args.against:
            _side_by_side(args.against.resolve(), args.runs)
        _report("boot + seed", [_child(_ONE_RUN) for _ in range(args.runs)], "")
        _report("ready", [_child(_READY) for _ in range(args.runs)], "   target <= 3 s")
        if args.drills:
            drills = [_child(_DRILL, f"/tmp/bench-drill-{os.getpid()}") for _ in range(args.drills)]
            _report("rds-blue-green drill, 60x", drills, "   target <= 300 MB")
            print(f"  exit codes: {sorted({d['code'] for d in drills})}")
        if args.idle:
            idle = _child(_IDLE, str(args.idle))
            print(
                f"idle world, simulator at speed 1: {idle['cpu_percent']:.1f} % of one core over "
                f"{idle['wall']:.0f} s ({idle['ticks']} ticks)   target < 5 %"
            )
            if idle["error"]:
                print(f"  simulator error: {idle['error']}")
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()


if __name__ == "__main__":
    main()
