"""Cost of one guardrail poll: CloudWatch API calls and wall time of `AwsCloud.fetch`.

For 1, 50 and 500 guardrail metrics (and 1,500, to show the 500-query split), each with 15
minutes of one-minute datapoints in the rehearsal world served on 127.0.0.1 (the moto server,
as `turnout rehearse` uses it), this prints how many GetMetricData calls one poll makes (counted
by the CallRecorder every client reports to) and the median wall time of a poll.

Target (issue 6): one GetMetricData call per 500 queries, never one per metric. "of which in
calls" is the time from sending to the parsed answer (the server's share and the wire): the rest
is turnout's own work (resolving, assembling queries, sorting points).

Then the world-age axis (issue 16): a 500-metric poll over the last hour, and ListMetrics (every
page), timed on a fresh world and again after 8 world-hours of the simulator publishing what AWS
would (a step every 30 world-seconds, as at 60x) plus the 500 metrics each minute; with the
metric store's size at each age. Targets: the poll under 0.5 s and ListMetrics under 0.2 s at
any age up to 8 hours, the store within 100 MB. Medians and the 8 h / 0 h ratio, one run.

    PYTHONPATH=. python bench/poll.py [--runs 7] [--hours 8]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.aws.protocol import SeriesRequest
from tui.clock import ManualClock
from tui.rehearsal import names
from tui.rehearsal.fidelity.cloudwatch import metric_store
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.durations import Duration
from tui.runbook.model import Metric

NAMESPACE = "Turnout/Bench"
AGED = "Turnout/BenchAged"  # the world-age axis's 500 metrics
SIZES = (1, 50, 500, 1500)
WINDOW = 15  # minutes of history each guardrail reads (the engine's default window)
AGED_METRICS, AGED_WINDOW = 500, 60  # the age axis: 500 metrics over the last hour
STEP = 30  # world seconds between simulator steps while the world ages (60x, 0.5 s real)


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


def publish(world: World, count: int, minutes: int = WINDOW, namespace: str = NAMESPACE) -> None:
    """`count` metrics, one datapoint a minute for the last `minutes` (oldest first)."""
    cloudwatch = world.clients.client("cloudwatch")
    now = world.clock.now()
    data = [
        {
            "MetricName": "Latency",
            "Dimensions": [{"Name": "Guardrail", "Value": f"g{i}"}],
            "Timestamp": now - timedelta(minutes=minute),
            "Value": float(i + minute),
        }
        for minute in reversed(range(minutes))
        for i in range(count)
    ]
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 1000])


def requests(count: int, window: int = WINDOW, namespace: str = NAMESPACE) -> list[SeriesRequest]:
    return [
        SeriesRequest(
            f"g{i}",
            {"m": Metric(namespace, "Latency", "Average", {"Guardrail": f"g{i}"}, Duration(60))},
            window=window * 60,
        )
        for i in range(count)
    ]


def median_of(runs: int, measure: Callable[[], object]) -> tuple[float, float]:
    """The median wall time and process CPU time of `runs` calls of `measure`, after one to warm
    up. The server's threads are this process's, so CPU time counts the world's work and the
    client's alike, and unlike wall time it does not grow when other processes load the machine
    (the age axis is measured minutes apart)."""
    measure()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        measure()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def list_all(cloudwatch: Any) -> int:
    """ListMetrics, every page: the metrics listed."""
    return sum(len(p["Metrics"]) for p in cloudwatch.get_paginator("list_metrics").paginate())


def age(world: World, hours: float) -> None:
    """`hours` of world time: a simulator step every STEP seconds, the aged metrics each minute."""
    cloudwatch = world.clients.client("cloudwatch")
    assert world.simulator is not None
    for n in range(1, int(hours * 3600 / STEP) + 1):
        world.clock.advance(STEP)
        world.simulator.step()
        if n * STEP % 60 == 0:
            data = [
                {
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Guardrail", "Value": f"g{i}"}],
                    "Value": float(i),
                }
                for i in range(AGED_METRICS)
            ]
            cloudwatch.put_metric_data(Namespace=AGED, MetricData=data)


def store() -> metric_store.MetricStore:
    return metric_store.of(cloudwatch_backends[names.ACCOUNT][names.REGION])


class Captured:
    """The last GetMetricData request a client sent, to send again without botocore: the time
    the world takes to answer (its handler, moto's serializer, the wire), apart from the
    client's parsing of 30,000 timestamps, which costs the same against real AWS."""

    def __init__(self, cloudwatch: Any) -> None:
        self.request: Any = None
        cloudwatch.meta.events.register("before-send.cloudwatch.GetMetricData", self.keep)

    def keep(self, request: Any, **_: Any) -> None:
        self.request = request

    def answer(self) -> None:
        sent = urllib.request.Request(
            self.request.url, self.request.body, dict(self.request.headers), method="POST"
        )
        with urllib.request.urlopen(sent) as response:
            assert response.status == 200
            response.read()


def age_axis(
    world: World, cloud: AwsCloud, clients: ClientFactory, runs: int, hours: float
) -> None:
    """The 500-metric hour-long poll and ListMetrics on a fresh world and an aged one."""
    cloudwatch = world.clients.client("cloudwatch")
    wanted = requests(AGED_METRICS, AGED_WINDOW, AGED)
    publish(world, AGED_METRICS, AGED_WINDOW, AGED)
    captured = Captured(clients.client("cloudwatch"))

    def poll() -> None:
        got = cloud.fetch(wanted, world.clock.now())
        assert all(s.error is None and s.points for s in got.values()), "missing series"

    rows = []
    for label in ("0 h", f"{hours:g} h"):
        if rows:
            started = time.perf_counter()
            age(world, hours)
            print(f"(aged {hours:g} world-hours in {time.perf_counter() - started:.0f} s)")
        held = store()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            (
                label,
                median_of(runs, poll),
                median_of(runs, captured.answer),
                median_of(runs, lambda: list_all(cloudwatch)),
                list_all(cloudwatch),
                held.samples(),
                held.nbytes() / 2**20,
                rss,
            )
        )
    print(
        f"\n{'world age':>9} {'500-metric 1 h poll ms':>23} {'world answers ms':>17} "
        f"{'ListMetrics ms':>15} {'metrics':>8} {'samples':>9} {'store MB':>9} {'max RSS MB':>11}"
    )
    print(f"{'':>9} {'wall / CPU':>23} {'wall / CPU':>17} {'wall / CPU':>15}")
    for label, polled, answered, listed, count, samples, mb, rss in rows:
        print(
            f"{label:>9} {_pair(polled):>23} {_pair(answered):>17} {_pair(listed):>15} "
            f"{count:>8} {samples:>9} {mb:>9.1f} {rss:>11.0f}"
        )
    (_, p0, a0, l0, *_), (_, p8, a8, l8, *_) = rows
    ratios = [f"{b[0] / a[0]:.2f} / {b[1] / a[1]:.2f}" for a, b in ((p0, p8), (a0, a8), (l0, l8))]
    print(f"{'ratio':>9} {ratios[0]:>23} {ratios[1]:>17} {ratios[2]:>15}")


def _pair(measured: tuple[float, float]) -> str:
    wall, cpu = measured
    return f"{1000 * wall:.0f} / {1000 * cpu:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="polls timed per size")
    parser.add_argument("--hours", type=float, default=8.0, help="world age of the second row")
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
        age_axis(world, cloud, clients, args.runs, args.hours)


if __name__ == "__main__":
    main()
