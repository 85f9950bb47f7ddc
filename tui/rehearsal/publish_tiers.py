"""The metrics AWS publishes for the other tiers: EC2 CPU, RDS lag/connections/writes, ECS."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from tui.rehearsal.publish import datum

BASE_CPU = 12.0  # percent, an idle web instance
CPU_PER_REQUEST_PER_SECOND = 0.9  # percent for each request per second it serves


def ec2_cpu(
    per_instance_rps: Mapping[str, float], when: datetime | None, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """AWS/EC2 CPUUtilization of each serving instance, rising with its share of traffic."""
    for instance_id, rps in per_instance_rps.items():
        cpu = min(100.0, BASE_CPU + CPU_PER_REQUEST_PER_SECOND * rps + rng.uniform(-1.5, 1.5))
        yield datum("CPUUtilization", {"InstanceId": instance_id}, when, "Percent", cpu)


def rds(
    blue: str,
    green: str | None,
    replica_lag: float,
    long_write: bool,
    rps: float,
    when: datetime | None,
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """AWS/RDS for a database and its Blue/Green green replica, if it has one.

    Connections follow the web tier's traffic; a long-running write holds extra connections and
    drives WriteIOPS and WriteLatency up."""
    connections = 20 + rps * 0.4 + (12 if long_write else 0) + rng.uniform(-2, 2)
    writes = 150 + rps * 2 + (900 if long_write else 0) + rng.uniform(-10, 10)
    latency = (0.004 if not long_write else 0.03) + rng.uniform(0, 0.002)
    blue_dims = {"DBInstanceIdentifier": blue}
    yield datum("DatabaseConnections", blue_dims, when, "Count", round(max(connections, 0)))
    yield datum("WriteIOPS", blue_dims, when, "Count/Second", max(writes, 0.0))
    yield datum("WriteLatency", blue_dims, when, "Seconds", latency)
    yield datum("CPUUtilization", blue_dims, when, "Percent", 18 + rps * 0.2)
    if green is not None:
        green_dims = {"DBInstanceIdentifier": green}
        yield datum("ReplicaLag", green_dims, when, "Seconds", round(replica_lag, 1))
        yield datum("DatabaseConnections", green_dims, when, "Count", 2)


def retired_rds(
    identifier: str, when: datetime | None, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """AWS/RDS for the old blue a Blue/Green switchover renamed (`<name>-old1`): still running,
    so still publishing, but production traffic has gone to the green: no connections left,
    only the instance's own housekeeping writes."""
    dims = {"DBInstanceIdentifier": identifier}
    yield datum("DatabaseConnections", dims, when, "Count", 0)
    yield datum("WriteIOPS", dims, when, "Count/Second", max(2 + rng.uniform(-1, 1), 0.0))
    yield datum("WriteLatency", dims, when, "Seconds", 0.002 + rng.uniform(0, 0.001))
    yield datum("CPUUtilization", dims, when, "Percent", 4 + rng.uniform(-1, 1))


def ecs(
    cluster: str,
    service: str,
    running: int,
    desired: int,
    when: datetime | None,
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """AWS/ECS service utilisation: the same work spread over the tasks that run."""
    dims = {"ClusterName": cluster, "ServiceName": service}
    load = 35.0 * desired / running if running else 0.0
    yield datum("CPUUtilization", dims, when, "Percent", min(100.0, load + rng.uniform(-2, 2)))
    yield datum("MemoryUtilization", dims, when, "Percent", 41 + rng.uniform(-1, 1))


def auto_scaling(in_service: Mapping[str, int], when: datetime | None) -> Iterator[dict[str, Any]]:
    """AWS/AutoScaling group metrics (published for groups with metrics collection enabled)."""
    for group, count in in_service.items():
        dims = {"AutoScalingGroupName": group}
        yield datum("GroupInServiceInstances", dims, when, "None", count)
