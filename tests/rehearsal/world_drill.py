"""Helpers for tests that run the whole world in-process on a ManualClock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tui.aws.resolve import elb_dimension
from tui.clock import ManualClock
from tui.rehearsal.scenario import load_scenario
from tui.rehearsal.world import World


def start_world(scenario: str = "healthy", serve: bool = False, policy: str | None = None) -> World:
    """A seeded, settled world with the simulator stepped by hand (see `run_for`); given a
    `policy` (JSON text), its sessions are held to it (`world.session_credentials()`)."""
    return World(
        clock=ManualClock(),
        faults=load_scenario(scenario),
        serve=serve,
        simulate=False,
        policy=policy,
    ).start()


def run_for(world: World, seconds: float, interval: float = 10.0) -> None:
    """Let `seconds` of world time pass, one simulator interval at a time."""
    elapsed = 0.0
    while elapsed < seconds:
        world.clock.advance(interval)  # type: ignore[attr-defined]
        world.simulator.step()
        elapsed += interval


def set_listener_weights(world: World, blue: int, green: int) -> None:
    """What an operator (or elbv2.set_weights) does to the listener."""
    world.clients.client("elbv2").modify_listener(
        ListenerArn=world.seeded["listener"],
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": world.seeded["target_group:blue"], "Weight": blue},
                        {"TargetGroupArn": world.seeded["target_group:green"], "Weight": green},
                    ]
                },
            }
        ],
    )


def alb_error_rate(world: World, minutes: int = 1) -> float | None:
    """`100 * (target 5xx + load balancer 5xx) / requests` over the last `minutes`, via metric
    math: what users saw fail, whether a target answered 5xx or the ALB could not reach one."""
    lb = [{"Name": "LoadBalancer", "Value": elb_dimension(world.seeded["load_balancer"])}]
    now = world.clock.now()

    def stat(name: str, query_id: str) -> dict[str, Any]:
        return {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": name, "Dimensions": lb},
                "Period": 60 * minutes,
                "Stat": "Sum",
            },
            "ReturnData": False,
        }

    result = world.clients.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            stat("HTTPCode_Target_5XX_Count", "errors"),
            stat("HTTPCode_ELB_5XX_Count", "elb"),
            stat("RequestCount", "requests"),
            {"Id": "rate", "Expression": "100 * (errors + elb) / requests"},
        ],
        StartTime=now - timedelta(minutes=minutes),
        EndTime=now,
    )["MetricDataResults"][0]
    return result["Values"][0] if result["Values"] else None
