"""The traffic model: what users experience, given the topology and the active faults. Pure.

Users resolve `app.shop.example.com` by its Route 53 weights: the `blue` record leads to the ALB,
whose listener splits by target-group weight; the `green` record leads straight to the green
fleet. Within a target group, requests spread evenly over the targets that receive traffic
(`healthy`, or `unhealthy` when every target is, as an ALB fails open). A target group with
weight but no target answers 503 from the load balancer. Each target serves 5xx and latency
according to the faults on its image or zone. So moving 10 % of traffic onto a bad green raises
the error rate by about 10 % of that green's error rate, and moving it back lowers it again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

BASE_LATENCY = 0.045  # seconds: a healthy web request
BASE_ERROR_RATE = 0.0005  # the background rate of 5xx of a healthy fleet


@dataclass(frozen=True)
class Target:
    """One registered target as the ALB sees it."""

    instance_id: str
    image: str
    zone: str
    health: str  # initial | healthy | unhealthy | draining | unused


@dataclass(frozen=True)
class Topology:
    """A snapshot of what routes traffic: weights and the targets behind them."""

    route53_weights: Mapping[str, int]  # set identifier -> weight ("blue", "green")
    listener_weights: Mapping[str, int]  # target group name -> weight
    targets: Mapping[str, tuple[Target, ...]]  # target group name -> its targets


@dataclass(frozen=True)
class Behaviour:
    """How an image or zone serves while a fault is active (absent faults: healthy)."""

    error_rate: float = BASE_ERROR_RATE
    extra_latency: float = 0.0
    down: bool = False  # e.g. an AZ outage: connections fail


@dataclass
class GroupTraffic:
    """What one target group served during an interval."""

    requests: int = 0
    target_5xx: int = 0
    elb_5xx: int = 0
    latencies: list[float] = field(default_factory=list)  # a sample, seconds
    healthy_hosts: int = 0
    unhealthy_hosts: int = 0
    per_instance_requests: dict[str, int] = field(default_factory=dict)


def _share_by_group(topology: Topology) -> dict[str, float]:
    """The fraction of all user requests each target group receives."""
    r53_total = sum(topology.route53_weights.values()) or 1
    via_alb = topology.route53_weights.get("blue", r53_total) / r53_total
    direct_green = topology.route53_weights.get("green", 0) / r53_total
    alb_total = sum(topology.listener_weights.values())
    shares: dict[str, float] = {}
    for group, weight in topology.listener_weights.items():
        shares[group] = via_alb * (weight / alb_total if alb_total else 0.0)
    if direct_green:
        green = next((g for g in topology.targets if g.endswith("green")), None)
        if green is not None:
            shares[green] = shares.get(green, 0.0) + direct_green
    return shares


def _serving(targets: tuple[Target, ...]) -> tuple[Target, ...]:
    healthy = tuple(t for t in targets if t.health == "healthy")
    if healthy:
        return healthy
    # Fail open: with no healthy target the ALB routes to all registered, unhealthy ones.
    return tuple(t for t in targets if t.health == "unhealthy")


def simulate_interval(
    topology: Topology,
    requests: int,
    behaviour_of: Mapping[str, Behaviour],
    rng: random.Random,
    latency_samples: int = 50,
) -> dict[str, GroupTraffic]:
    """Serve `requests` user requests over one interval; `behaviour_of` is keyed by image id
    and by `zone:<az>`; returns what each target group saw."""
    result: dict[str, GroupTraffic] = {}
    for group, share in _share_by_group(topology).items():
        traffic = GroupTraffic()
        targets = topology.targets.get(group, ())
        traffic.healthy_hosts = sum(t.health == "healthy" for t in targets)
        traffic.unhealthy_hosts = sum(t.health == "unhealthy" for t in targets)
        result[group] = traffic
        group_requests = round(requests * share)
        if group_requests == 0:
            continue
        traffic.requests = group_requests
        serving = _serving(targets)
        if not serving:
            traffic.elb_5xx = group_requests
            continue
        each, extra = divmod(group_requests, len(serving))
        for index, target in enumerate(serving):
            served = each + (1 if index < extra else 0)
            traffic.per_instance_requests[target.instance_id] = served
            behaviour = _combine(
                behaviour_of.get(target.image), behaviour_of.get(f"zone:{target.zone}")
            )
            if behaviour.down:
                traffic.elb_5xx += served
                continue
            traffic.target_5xx += _binomial(rng, served, behaviour.error_rate)
            samples = max(1, latency_samples * served // group_requests)
            traffic.latencies.extend(
                BASE_LATENCY * rng.lognormvariate(0, 0.35) + behaviour.extra_latency
                for _ in range(samples)
            )
    return result


def _combine(*behaviours: Behaviour | None) -> Behaviour:
    present = [b for b in behaviours if b is not None]
    if not present:
        return Behaviour()
    return Behaviour(
        error_rate=min(1.0, max(b.error_rate for b in present)),
        extra_latency=sum(b.extra_latency for b in present),
        down=any(b.down for b in present),
    )


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """Number of failures among `n` requests at rate `p` (normal approximation when large)."""
    if p <= 0 or n == 0:
        return 0
    if p >= 1:
        return n
    if n > 200:
        mean, sd = n * p, (n * p * (1 - p)) ** 0.5
        return max(0, min(n, round(rng.gauss(mean, sd))))
    return sum(rng.random() < p for _ in range(n))
