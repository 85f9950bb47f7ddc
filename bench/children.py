"""Timing whole commands from outside, as a user meets them: a fresh interpreter each run.

`measure` runs commands in turn (A B C A B C ...) so a drift in the machine's load moves them
alike, and gives each one's median wall and CPU seconds (user + system, the operating system's
own accounting of the child) and its peak RSS. `ratio_of` pairs two commands run for run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Runs:
    """One command's runs: wall and CPU seconds, peak RSS in MB."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    def median(self, series: str) -> float:
        return statistics.median(getattr(self, series))


def run_once(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one run, its output thrown away."""
    started = time.perf_counter()
    child = subprocess.Popen(
        list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(
    commands: dict[str, Sequence[str]], repeat: int, env: dict[str, str] | None = None
) -> dict[str, Runs]:
    """Each command `repeat` times, in turn, after one unmeasured warm-up run each."""
    for argv in commands.values():
        run_once(argv, env)
    runs = {name: Runs() for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            wall, cpu, rss = run_once(argv, env)
            runs[name].wall.append(wall)
            runs[name].cpu.append(cpu)
            runs[name].rss_mb.append(rss)
    return runs


def ratio_of(runs: dict[str, Runs], a: str, b: str, series: str = "cpu") -> float:
    """The median of the run-for-run ratios a/b (runs taken in turn, so pairs compare)."""
    pairs = zip(getattr(runs[a], series), getattr(runs[b], series), strict=True)
    return statistics.median(x / y for x, y in pairs)
