"""Detection latency in a drill: a breaching datapoint published → the engine's rollback prompt.

Target (issue 6): within one poll interval plus one second. A real session (engine, adapters,
audit log) watches a `wait` step whose guardrail reads a metric the bench publishes itself into
the served rehearsal world; each time the bench publishes a breaching value it notes the world
time, and the operator notes when the BREACH question arrives (then overrides it, with a
reason, so the next breach is a fresh one). Latencies are in engine-clock seconds (world time)
and in wall seconds.

    PYTHONPATH=. python bench/detection.py [--samples N] [--poll SECONDS] [--speed X]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from datetime import datetime
from typing import Any

from tui.audit.session_log import SessionLog
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.engine import questions
from tui.engine.options import SessionOptions
from tui.engine.ports import Answer, Question, QuestionKind
from tui.engine.recorder import SessionCallRecorder
from tui.engine.session import Session
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.loader import load_text

RUNBOOK = """
runbook: detection-bench
title: Watch a metric the bench publishes
target: {account: "123456789012", region: us-east-1}
steps:
  - id: watch
    action: wait
    with: {duration: 12h}
    guardrails:
      - name: bench signal
        metric: {namespace: Bench, name: Signal, stat: Maximum, period: 10s}
        max: 1
        for: 1
        on_breach: rollback
        confirm_timeout: 1h
"""


class TimingOperator:
    """Notes when each BREACH question arrives; overrides it so watching goes on."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.asked: list[datetime] = []
        self.wall: list[float] = []
        self.arrived = threading.Event()
        self.stop = False

    def notify(self, event: Any) -> None:
        return None

    def ask(self, question: Question) -> Answer:
        if question.kind is QuestionKind.BREACH:
            self.asked.append(self.clock.now())
            self.wall.append(time.monotonic())
            self.arrived.set()
            if self.stop:
                return Answer(questions.ROLLBACK, "bench")
            return Answer(questions.OVERRIDE, "bench", text="bench: measured, keep watching")
        return Answer(questions.YES, "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=9)
    parser.add_argument("--poll", type=float, default=10.0, help="poll interval, world seconds")
    parser.add_argument("--speed", type=float, default=10.0, help="world speed")
    args = parser.parse_args()

    with World(speed=args.speed, simulate=False) as world, tempfile.TemporaryDirectory() as tmp:
        clock = world.clock
        log = SessionLog.create(tmp, clock, operator="bench")
        recorder = SessionCallRecorder(log)
        clients = ClientFactory(
            region=names.REGION,
            endpoint_url=world.endpoint_url,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        operator = TimingOperator(clock)
        session = Session(
            load_text(RUNBOOK),
            AwsCloud(AwsContext(clients, clock)),
            operator,
            clock,
            log,
            SessionOptions(poll=args.poll, mode="rehearsal", runbook_sha256="0" * 64),
            recorder=recorder,
        )
        runner = threading.Thread(target=session.run, daemon=True)
        runner.start()
        cloudwatch = world.clients.client("cloudwatch")
        published, published_wall = [], []
        rng = random.Random(6)
        for n in range(args.samples):
            # a random moment within a poll interval, in a 10 s period of its own
            clock.sleep(10 + rng.uniform(0, args.poll))
            operator.arrived.clear()
            operator.stop = n == args.samples - 1
            at = clock.now()
            cloudwatch.put_metric_data(
                Namespace="Bench",
                MetricData=[
                    {
                        "MetricName": "Signal",
                        "Value": 100.0,
                        "Timestamp": at,
                        "StorageResolution": 1,
                    }
                ],
            )
            published.append(at)
            published_wall.append(time.monotonic())
            if not operator.arrived.wait(timeout=60):
                raise SystemExit(f"sample {n}: no rollback prompt within 60 s of wall time")
        runner.join(timeout=60)
        log.close()

    world_s = [(a - p).total_seconds() for a, p in zip(operator.asked, published, strict=True)]
    wall_s = [a - p for a, p in zip(operator.wall, published_wall, strict=True)]
    target = args.poll + 1.0
    print(f"detection latency, breach published → rollback prompt ({args.samples} samples)")
    print(f"  poll interval {args.poll:g} s (world), world speed {args.speed:g}x")
    print(
        f"  world time: median {statistics.median(world_s):.2f} s, max {max(world_s):.2f} s "
        f"(target ≤ {target:g} s: {'met' if max(world_s) <= target else 'MISSED'})"
    )
    print(f"  wall time:  median {statistics.median(wall_s):.3f} s, max {max(wall_s):.3f} s")


if __name__ == "__main__":
    main()
