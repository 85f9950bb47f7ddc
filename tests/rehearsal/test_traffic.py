"""The traffic model: weights move errors the way an operator expects."""

from __future__ import annotations

import random

import pytest

from tui.rehearsal.traffic import Behaviour, Target, Topology, simulate_interval

V1, V2 = "ami-v1", "ami-v2"


def _topology(blue_weight: int, green_weight: int, r53_green: int = 0) -> Topology:
    blue = tuple(Target(f"i-b{n}", V1, "us-east-1a", "healthy") for n in range(4))
    green = tuple(Target(f"i-g{n}", V2, "us-east-1b", "healthy") for n in range(2))
    return Topology(
        route53_weights={"blue": 100 - r53_green, "green": r53_green},
        listener_weights={"web-blue": blue_weight, "web-green": green_weight},
        targets={"web-blue": blue, "web-green": green},
    )


def _error_rate(topology: Topology, faults: dict[str, Behaviour]) -> float:
    groups = simulate_interval(topology, 100_000, faults, random.Random(7))
    served = sum(g.requests for g in groups.values())
    errors = sum(g.target_5xx + g.elb_5xx for g in groups.values())
    return errors / served


@pytest.mark.parametrize("green_share", [0, 10, 25, 50])
def test_bad_green_adds_its_share_of_errors(green_share: int) -> None:
    rate = _error_rate(_topology(100 - green_share, green_share), {V2: Behaviour(error_rate=1.0)})
    assert rate == pytest.approx(green_share / 100, abs=0.01)


def test_shifting_back_lowers_the_error_rate_again() -> None:
    bad = {V2: Behaviour(error_rate=1.0)}
    assert _error_rate(_topology(90, 10), bad) > 0.09
    assert _error_rate(_topology(100, 0), bad) < 0.005


def test_route53_green_weight_sends_traffic_straight_to_green() -> None:
    groups = simulate_interval(_topology(100, 0, r53_green=20), 10_000, {}, random.Random(1))
    assert groups["web-green"].requests == 2_000
    assert groups["web-blue"].requests == 8_000


def test_a_weighted_group_with_no_targets_answers_503_from_the_load_balancer() -> None:
    topology = Topology({"blue": 100}, {"web-blue": 50, "web-green": 50}, {"web-blue": ()})
    groups = simulate_interval(topology, 1_000, {}, random.Random(1))
    assert groups["web-blue"].elb_5xx == 500


def test_targets_still_warming_up_get_no_traffic() -> None:
    targets = (Target("i-1", V1, "a", "healthy"), Target("i-2", V2, "a", "initial"))
    topology = Topology({"blue": 100}, {"web-blue": 100}, {"web-blue": targets})
    groups = simulate_interval(topology, 1_000, {V2: Behaviour(error_rate=1.0)}, random.Random(1))
    assert groups["web-blue"].per_instance_requests == {"i-1": 1_000}
    assert groups["web-blue"].target_5xx < 10


def test_an_az_outage_fails_the_requests_sent_to_that_zone() -> None:
    rate = _error_rate(_topology(100, 0), {"zone:us-east-1a": Behaviour(down=True)})
    assert rate == pytest.approx(1.0, abs=0.01)  # every blue target is in us-east-1a


def test_slow_release_raises_latency() -> None:
    slow = simulate_interval(
        _topology(0, 100), 1_000, {V2: Behaviour(extra_latency=0.5)}, random.Random(1)
    )
    assert min(slow["web-green"].latencies) > 0.5
