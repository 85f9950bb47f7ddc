"""Audit log speed: append latency with fsync on this disk, and verify time for 100,000 events.

Targets (issue 5): p99 append under 5 ms; verify of a 100,000-event log under 2 s, with its ratio
to `hashlib.sha256` over the same bytes printed (the floor a hash chain cannot beat).

    PYTHONPATH=. python bench/audit.py [--dir DIR] [--appends N] [--events N]

The log is written in DIR (default: a temporary directory under the current one, so the disk
measured is the one sessions are written to).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from tui.audit.canonical import GENESIS, encode_line
from tui.audit.chain import read_log
from tui.audit.session_log import SessionLog
from tui.clock import SystemClock


def bench_append(directory: Path, count: int) -> list[float]:
    """Seconds per append (write + fdatasync) of a realistic guardrail poll."""
    log = SessionLog.create(directory, SystemClock(), operator="bench")
    timings = []
    for i in range(count):
        started = time.perf_counter()
        log.guardrail(
            "canary",
            name="error rate",
            expr="100 * errors / requests",
            value=0.1 * (i % 7),
            metrics={"errors": i % 7, "requests": 1000},
            breached=False,
            threshold={"max": 1.0},
            consecutive=0,
            needed=3,
            on_breach="rollback",
            phase="bake",
            metric_time="2026-01-01T00:00:00Z",
        )
        timings.append(time.perf_counter() - started)
    log.close()
    return timings


def bench_raw_append(directory: Path, count: int, size: int) -> list[float]:
    """Seconds per bare `os.write` + `fdatasync` of `size` bytes: what the disk alone costs."""
    fd = os.open(directory / "raw.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    line = b"x" * (size - 1) + b"\n"
    timings = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, line)
            os.fdatasync(fd)
            timings.append(time.perf_counter() - started)
    finally:
        os.close(fd)
    return timings


def write_big_log(path: Path, events: int) -> int:
    """A 100,000-event log with a realistic mix of record sizes (built without fsync)."""
    payloads = [
        (
            "guardrail.evaluated",
            {
                "step": "canary",
                "name": "error rate",
                "value": 0.3,
                "metrics": [{"id": "errors", "value": 3}, {"id": "requests", "value": 1000}],
                "breached": False,
                "threshold": {"max": 1.0},
                "consecutive": 0,
                "needed": 3,
                "on_breach": "rollback",
                "phase": "bake",
                "metric_time": "2026-01-01T00:00:00Z",
                "decision": None,
                "expr": "100 * errors / requests",
            },
        ),
        (
            "api.intent",
            {
                "step": "canary",
                "service": "elbv2",
                "operation": "ModifyListener",
                "params": {
                    "ListenerArn": "arn:aws:elasticloadbalancing:us-east-1:"
                    "123456789012:listener/app/web-alb/1/2",
                    "DefaultActions": [{"Type": "forward"}],
                },
                "mutating": True,
                "rollback": False,
            },
        ),
        (
            "step.progress",
            {"step": "refresh", "state": "InProgress", "percent": 40.0, "detail": {}},
        ),
    ]
    prev = GENESIS
    size = 0
    with path.open("wb") as fh:
        for seq in range(1, events + 1):
            event, payload = payloads[seq % 10 // 8]  # 80 % polls, 20 % the others
            line, prev = encode_line(
                seq, "2026-01-01T00:00:00.000000Z", event, "turnout", payload, prev
            )
            fh.write(line)
            size += len(line)
    return size


def _median_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="audit-bench-", dir=args.dir or Path.cwd()) as tmp:
        root = Path(tmp)
        (root / "append").mkdir()
        # Flush everyone's dirty pages first: an fdatasync waits for the file system's journal,
        # so writeback left over from a previous run (this one writes 55 MB) would be measured.
        os.sync()
        timings = bench_append(root / "append", args.appends)
        record_size = (root / "append" / "audit.jsonl").stat().st_size // args.appends
        raw = bench_raw_append(root, args.appends, record_size)
        print(f"append with fdatasync, {args.appends} records of ~{record_size} B on {root}:")
        for label, series in [("SessionLog.guardrail", timings), ("bare write+fdatasync", raw)]:
            cuts = statistics.quantiles(series, n=100)
            print(
                f"  {label:21} p50 {statistics.median(series) * 1e3:.3f} ms   "
                f"p99 {cuts[98] * 1e3:.3f} ms   max {max(series) * 1e3:.3f} ms"
            )
        print("  (target p99 < 5 ms; the bare line is the disk's own floor, measured alongside)")

        (root / "big").mkdir()
        path = root / "big" / "audit.jsonl"
        size = write_big_log(path, args.events)
        data = path.read_bytes()
        reading = read_log(path)
        assert reading.intact and len(reading.records) == args.events
        verify_s = _median_time(lambda: read_log(path))
        sha_s = _median_time(lambda: hashlib.sha256(data).digest())
        per_line = data.split(b"\n")
        lines_s = _median_time(lambda: [hashlib.sha256(line).digest() for line in per_line])
        print(f"verify {args.events:,} events ({size / 1e6:.1f} MB), median of 3:")
        print(
            f"  verify {verify_s:.3f} s ({verify_s / args.events * 1e6:.2f} µs/event, target < 2 s)"
        )
        print(
            f"  hashlib.sha256 over the same bytes {sha_s * 1e3:.1f} ms: ratio "
            f"{verify_s / sha_s:.1f}x"
        )
        print(
            f"  sha256 of each line separately {lines_s * 1e3:.1f} ms: ratio "
            f"{verify_s / lines_s:.1f}x (the per-record floor of any hash chain)"
        )


if __name__ == "__main__":
    main()
