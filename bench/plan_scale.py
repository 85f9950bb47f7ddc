"""`turnout plan` of 500 services and 2,000 steps, as a person runs it: the whole command.

Issue 20's goal: the plan in at most 300 ms and 100 MB. Each run is a fresh interpreter (start-up
included), its output to a pipe thrown away (so no colour: rich's styles cost nothing there);
`plan` and `plan --json` run in turn, medians of wall and CPU seconds and the peak RSS. Then, in
this process, the rendering alone of the same plan on an 100-column colour console, and its peak
of Python allocations (tracemalloc). `--against DIR` times another checkout in the same turns.

    PYTHONPATH=. python bench/plan_scale.py [--repeat 5] [--seed 1] [--against DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.children import measure, ratio_of
from bench.plan_large import SERVICES, STEPS, generate

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS, TARGET_MB = 300, 100


def _turnout(checkout: Path, *args: str) -> list[str]:
    code = f"import sys; sys.path.insert(0, {str(checkout)!r}); from tui.cli import main; "
    return [sys.executable, "-c", code + "sys.exit(main(sys.argv[1:]))", *args]


def _render_in_process(path: Path, repeat: int) -> tuple[float, float]:
    """Median seconds and peak MB (tracemalloc) of rendering the plan to a colour console."""
    from rich.console import Console

    from tui.commands.plan_view import render_plan
    from tui.runbook.loader import load_runbook
    from tui.runbook.plan import plan_document

    doc = plan_document(load_runbook(path))

    def once() -> None:
        console = Console(file=io.StringIO(), width=100, force_terminal=True)
        render_plan(doc, console)

    times = []
    for _ in range(repeat):
        started = time.process_time()
        once()
        times.append(time.process_time() - started)
    tracemalloc.start()
    once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.yaml"
        path.write_text(generate(args.seed))
        commands = {
            "plan": _turnout(ROOT, "plan", str(path)),
            "plan --json": _turnout(ROOT, "plan", "--json", str(path)),
        }
        if args.against:
            theirs = args.against.resolve()
            commands["plan (against)"] = _turnout(theirs, "plan", str(path))
            commands["plan --json (against)"] = _turnout(theirs, "plan", "--json", str(path))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", COLUMNS="100")
        for checkout in [ROOT, *([theirs] if args.against else [])]:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "tui")])
        runs = measure(commands, args.repeat, env)
        render_s, render_mb = _render_in_process(path, args.repeat)
    print(f"turnout plan of {SERVICES} services, {STEPS} steps; {args.repeat} runs each in turn:")
    for name, series in runs.items():
        wall, cpu, rss = (series.median(s) for s in ("wall", "cpu", "rss_mb"))
        print(
            f"  {name:22} wall {wall * 1e3:7.0f} ms   cpu {cpu * 1e3:7.0f} ms   "
            f"peak RSS {rss:5.0f} MB"
        )
    if args.against:
        for mine in ("plan", "plan --json"):
            print(f"  {mine} / against: {ratio_of(runs, mine, f'{mine} (against)'):.3f} (cpu)")
    print(
        f"  rendering alone (100 columns, colour): {render_s * 1e3:.0f} ms cpu, "
        f"peak {render_mb:.1f} MB of Python allocations"
    )
    print(f"  goal: <= {TARGET_MS} ms and <= {TARGET_MB} MB")


if __name__ == "__main__":
    main()
