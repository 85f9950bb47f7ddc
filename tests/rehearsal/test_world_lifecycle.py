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

# How long a stopped world may take to exit: a safety net for a loaded machine, not a claim.
EXIT_PATIENCE = 120.0


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_turnout_world_prints_the_endpoint_and_stops_cleanly_on_a_stop_signal(
    stop: str, tmp_path
) -> None:
    """Ctrl-C, a process manager's SIGTERM and a lost terminal's SIGHUP each stop the world
    cleanly: exit 0, no traceback, its port freed. (SIGTERM used to kill it without freeing
    anything; Ctrl-C once went unheard for 20 s on a busy machine.)"""
    errors = tmp_path / "stderr"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "world", "--speed", "5"],
            stdout=subprocess.PIPE,
            stderr=stderr,
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
        process.send_signal(getattr(signal, stop))
        try:
            code = process.wait(timeout=EXIT_PATIENCE)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)  # every thread's stack, into stderr
            deadline = time.monotonic() + 10
            while "most recent call first" not in errors.read_text():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            raise AssertionError(f"still running after {stop}:\n{errors.read_text()}") from None
        assert code == 0, errors.read_text()
        assert "Traceback" not in errors.read_text()
        assert "stopping the rehearsal world" in errors.read_text()
    finally:
        process.kill()
        process.wait()
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
    for thread in threading.enumerate():  # a request thread may still be saying goodbye
        if thread.name not in before:
            thread.join(timeout=30)
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
