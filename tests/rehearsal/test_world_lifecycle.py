"""The world as a person starts it: `turnout world` seeds, prints how to reach it, and stops on
Ctrl-C leaving no port behind; its accelerated clock keeps refresh progress and metrics in step."""

from __future__ import annotations

import itertools
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest

from tui.aws.resolve import elb_dimension
from tui.rehearsal import names
from tui.rehearsal.world import World


@pytest.mark.slow
def test_turnout_world_prints_the_endpoint_and_stops_cleanly_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "world", "--speed", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        export = process.stdout.readline()
        assert first.startswith("rehearsal world ready at http://127.0.0.1:")
        endpoint = urlparse(first.split()[-1])
        assert export.strip() == f"export AWS_ENDPOINT_URL={first.split()[-1]}"
        with socket.create_connection((endpoint.hostname, endpoint.port), timeout=2):
            pass
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()
    try:
        socket.create_connection((endpoint.hostname, endpoint.port), timeout=1).close()
        raise AssertionError("the port is still open after the world stopped")
    except OSError:
        pass


def test_the_world_serves_loopback_only_and_leaves_no_thread_behind() -> None:
    before = {t.name for t in threading.enumerate()}
    world = World(speed=1.0).start()
    assert urlparse(world.endpoint_url).hostname == "127.0.0.1"
    assert all(address.startswith("127.0.0.1:") for address in world.http_hosts.values())
    world.stop()
    time.sleep(0.2)
    assert {t.name for t in threading.enumerate()} <= before


@pytest.mark.slow
def test_an_accelerated_world_keeps_refresh_progress_and_metric_time_in_step() -> None:
    """At 60x, a refresh with a 60 s warmup advances within a few real seconds, and the metrics
    the simulator publishes carry the world's time, not the wall clock's."""
    with World(speed=60.0) as world:
        asg = world.clients.client("autoscaling")
        asg.start_instance_refresh(
            AutoScalingGroupName=names.WEB_ASG,
            Preferences={"MinHealthyPercentage": 75, "InstanceWarmup": 60},
        )
        started = world.clock.now()
        # A few real seconds; the world may run slower than asked on a busy machine
        # (simulator.py), so wait on its progress, not on the wall clock.
        deadline = time.monotonic() + 30
        while True:
            refresh = asg.describe_instance_refreshes(AutoScalingGroupName=names.WEB_ASG)[
                "InstanceRefreshes"
            ][0]
            if refresh["PercentageComplete"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert refresh["PercentageComplete"] > 0
        world_elapsed = (world.clock.now() - started).total_seconds()
        assert 60 < world_elapsed < 600  # warmed up and health-checked in world minutes
        assert abs((refresh["StartTime"] - started).total_seconds()) < 30
        newest = max(
            point["Timestamp"]
            for point in world.clients.client("cloudwatch").get_metric_statistics(
                Namespace="AWS/ApplicationELB",
                MetricName="RequestCount",
                Dimensions=[
                    {
                        "Name": "LoadBalancer",
                        "Value": elb_dimension(world.seeded["load_balancer"]),
                    }
                ],
                StartTime=world.clock.now() - timedelta(minutes=10),
                EndTime=world.clock.now() + timedelta(minutes=1),
                Period=60,
                Statistics=["Sum"],
            )["Datapoints"]
        )
        # Metrics are stamped on the world's clock: ahead of the wall clock at 60x.
        assert newest > datetime.now(UTC) + timedelta(seconds=60)


@pytest.mark.slow
def test_a_fast_world_leaves_no_one_minute_period_without_data() -> None:
    """At 100x (the fastest `rehearse` allows) a tick every half real second would be 50 world
    seconds apart plus the step's own time; the simulator publishes often enough that every
    period a guardrail reads has a datapoint."""
    with World(speed=100.0) as world:
        # Seven world minutes: about 4 real seconds, or longer if the machine is busy and the
        # world slows down to keep up (simulator.py).
        began = world.clock.now()
        deadline = time.monotonic() + 60
        while world.clock.now() - began < timedelta(minutes=7) and time.monotonic() < deadline:
            time.sleep(0.5)
        now = world.clock.now()
        # The minutes the world ran through, whole (on a very busy machine, fewer than seven).
        first = (began + timedelta(minutes=1)).replace(second=0, microsecond=0)
        first = max(first, (now - timedelta(minutes=6)).replace(second=0, microsecond=0))
        last = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
        expected = int((last - first).total_seconds() // 60)
        assert expected >= 2, f"the world ran only {now - began} in a minute"
        points = world.clients.client("cloudwatch").get_metric_statistics(
            Namespace="AWS/ApplicationELB",
            MetricName="RequestCount",
            Dimensions=[
                {
                    "Name": "LoadBalancer",
                    "Value": elb_dimension(world.seeded["load_balancer"]),
                }
            ],
            StartTime=first,
            EndTime=last,
            Period=60,
            Statistics=["Sum"],
        )["Datapoints"]
        minutes = sorted(p["Timestamp"] for p in points)
        assert len(minutes) == expected, (minutes, first, last)
        assert {(b - a).total_seconds() for a, b in itertools.pairwise(minutes)} == {60.0}
