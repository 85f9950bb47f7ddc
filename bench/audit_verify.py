"""`turnout audit verify` against the floor of any per-record hash chain, on 100,000 events.

Issue 20's goal: verify within 1.5x the per-record floor, SHA-256 of each line separately over
the same bytes (the lines already in memory, as issue 20 measured it). Printed in one run, as
medians, interleaved so a drift in the machine's speed moves every figure alike:

- verify: `tui.audit.verify.verify`, what the command runs (the fast path, tui/audit/scan.py,
  with every line checked as JSON too: issue 18);
- the careful reader, `chain.read_log`: a `Record` per line, what verify was before;
- hashlib.sha256 over the whole file at once; per-line SHA-256 of the lines in memory; and the
  same with reading and splitting the file included (what a verifier cannot skip).

    PYTHONPATH=. python bench/audit_verify.py [--events N] [--repeat N] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from bench.audit import write_big_log  # the same log as bench/audit.py
from tui.audit.chain import read_log
from tui.audit.scan import _log_pattern
from tui.audit.verify import verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verify-bench-", dir=args.dir) as tmp:
        path = Path(tmp) / "audit.jsonl"
        size = write_big_log(path, args.events)
        data = path.read_bytes()
        lines = data.split(b"\n")
        started = time.perf_counter()
        _log_pattern()
        compile_s = time.perf_counter() - started
        verdict = verify(path)
        assert verdict.ok and verdict.events == args.events, verdict.text
        runs: dict[str, tuple[object, list[float]]] = {
            "verify": (lambda: verify(path), []),
            "careful reader (before)": (lambda: read_log(path), []),
            "sha256 whole file": (lambda: hashlib.sha256(data).digest(), []),
            "sha256 per line": (lambda: [hashlib.sha256(x).digest() for x in lines], []),
            "read+split+sha256 per line": (
                lambda: [hashlib.sha256(x).digest() for x in path.read_bytes().split(b"\n")],
                [],
            ),
        }
        for _ in range(args.repeat):
            for fn, times in runs.values():
                begun = time.perf_counter()
                fn()
                times.append(time.perf_counter() - begun)
    median = {name: statistics.median(times) for name, (_, times) in runs.items()}
    floor = median["sha256 per line"]
    print(
        f"{args.events:,} events ({size / 1e6:.1f} MB), median of {args.repeat}, "
        f"pattern compiled once in {compile_s * 1e3:.0f} ms:"
    )
    for name, seconds in median.items():
        print(
            f"  {name:28} {seconds * 1e3:8.1f} ms   "
            f"{seconds / median['sha256 whole file']:5.1f}x whole-file   "
            f"{seconds / floor:5.2f}x per-line floor"
        )
    print(
        f"  verify / careful reader {median['verify'] / median['careful reader (before)']:.2f}; "
        f"verify / (read+split+per-line) "
        f"{median['verify'] / median['read+split+sha256 per line']:.2f} (goal: per-line 1.5x)"
    )


if __name__ == "__main__":
    main()
