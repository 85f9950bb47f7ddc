"""How fast the rehearsal world starts, how much memory it takes, what it costs while idle.

    python bench/world_boot.py [--runs 5] [--idle 20]

Each run starts a fresh interpreter (so imports and moto's backends are cold, as for a user),
starts the server on 127.0.0.1, seeds the whole world and stops. Then one world idles with its
simulator running at speed 1 while we measure its process CPU. Targets (issue 4): boot+seed
under 3 s, peak RSS under 300 MB, idle simulator under 5 % of one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

_ONE_RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from tui.rehearsal.world import World
world = World(speed=1.0, simulate=False).start()
boot = time.perf_counter() - t0
world.stop()
print(json.dumps({"boot": boot,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measurement")
    args = parser.parse_args()

    boots, rss = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _ONE_RUN], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        boots.append(result["boot"])
        rss.append(result["rss_mb"])
    print(
        f"boot + seed (fresh process, {args.runs} runs): median {statistics.median(boots):.2f} s"
        f"  (min {min(boots):.2f}, max {max(boots):.2f})   target < 3 s"
    )
    print(f"peak RSS after boot + seed: median {statistics.median(rss):.0f} MB   target < 300 MB")

    out = subprocess.run(
        [sys.executable, "-c", _IDLE, str(args.idle)], capture_output=True, text=True, check=True
    )
    idle = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"idle world, simulator at speed 1: {idle['cpu_percent']:.1f} % of one core over "
        f"{idle['wall']:.0f} s ({idle['ticks']} ticks)   target < 5 %"
    )
    if idle["error"]:
        print(f"  simulator error: {idle['error']}")


if __name__ == "__main__":
    main()
