"""Cost of one guardrail poll: CloudWatch API calls and wall time of `AwsCloud.fetch`.

For 1, 50 and 500 guardrail metrics (and 1,500, to show the 500-query split), each with 15
minutes of one-minute datapoints in the rehearsal world served on 127.0.0.1 (the moto server,
as `turnout rehearse` uses it), this prints how many GetMetricData calls one poll makes (counted
by the CallRecorder every client reports to) and the median wall time of a poll.

Target (issue 6): one GetMetricData call per 500 queries, never one per metric. "of which in
calls" is the time from sending to the parsed answer (the server's share and the wire): the rest
is turnout's own work (resolving, assembling queries, sorting points).

    PYTHONPATH=. python bench/poll.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.aws.protocol import SeriesRequest
from tui.clock import ManualClock
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.durations import Duration
from tui.runbook.model import Metric

NAMESPACE = "Turnout/Bench"
SIZES = (1, 50, 500, 1500)
WINDOW = 15  # minutes of history each guardrail reads (the engine's default window)


class CountingRecorder:
    """A CallRecorder that counts operations."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.waited = 0.0  # seconds spent inside the calls (request sent to answer parsed)

    def intent(self, service: str, operation: str, params: Mapping[str, Any]) -> int:
        self.counts[f"{service}.{operation}"] += 1
        return 0

    def result(self, token: int, *, duration: float, **outcome: Any) -> None:
        self.waited += duration


def publish(world: World, count: int) -> None:
    """`count` metrics, one datapoint a minute for the window."""
    cloudwatch = world.clients.client("cloudwatch")
    now = world.clock.now()
    data = [
        {
            "MetricName": "Latency",
            "Dimensions": [{"Name": "Guardrail", "Value": f"g{i}"}],
            "Timestamp": now - timedelta(minutes=minute),
            "Value": float(i + minute),
        }
        for i in range(count)
        for minute in range(WINDOW)
    ]
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data[start : start + 1000])


def requests(count: int) -> list[SeriesRequest]:
    return [
        SeriesRequest(
            f"g{i}",
            {"m": Metric(NAMESPACE, "Latency", "Average", {"Guardrail": f"g{i}"}, Duration(60))},
            window=WINDOW * 60,
        )
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="polls timed per size")
    args = parser.parse_args()

    with World(clock=ManualClock(), serve=True, simulate=False) as world:
        publish(world, max(SIZES))
        recorder = CountingRecorder()
        clients = ClientFactory(
            region=names.REGION,
            endpoint_url=world.endpoint_url,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        cloud = AwsCloud(AwsContext(clients, world.clock))
        print(f"one poll against the moto server at {world.endpoint_url} ({args.runs} runs each)")
        print(
            f"{'metrics':>8} {'GetMetricData calls':>20} {'median ms':>10} "
            f"{'of which in calls':>18} {'points':>7}"
        )
        for size in SIZES:
            wanted = requests(size)
            cloud.fetch(wanted, world.clock.now())  # warm: connections, first-call costs
            timings, calls, waited = [], [], []
            for _ in range(args.runs):
                recorder.counts.clear()
                recorder.waited = 0.0
                started = time.perf_counter()
                got = cloud.fetch(wanted, world.clock.now())
                timings.append(time.perf_counter() - started)
                calls.append(recorder.counts["cloudwatch.GetMetricData"])
                waited.append(recorder.waited)
                assert all(s.error is None and s.points for s in got.values()), "missing series"
            points = sum(len(s.points) for s in got.values())
            assert len(set(calls)) == 1
            print(
                f"{size:>8} {calls[0]:>20} {1000 * statistics.median(timings):>10.1f} "
                f"{1000 * statistics.median(waited):>18.1f} {points:>7}"
            )


if __name__ == "__main__":
    main()
