"""A scenario at run time: turns the world's knobs as its faults start and end.

The knobs are the fidelity extensions' (target health, status checks, ECS task definitions,
RDS replica lag and long writes, throttling); `behaviours` feeds the traffic model. Times are
measured from `begin`, which the world calls once it is seeded and settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tui.aws.resolve import ecs as resolve_ecs
from tui.rehearsal.debrief import Ledger
from tui.rehearsal.faults import (
    AzOutage,
    BadImage,
    BadTaskDefinition,
    Fault,
    LongWrite,
    ReplicaLag,
    ScenarioSpec,
    SlowImage,
    StatusCheckFailure,
    Throttling,
)
from tui.rehearsal.fidelity import throttling
from tui.rehearsal.fidelity.autoscaling import launch_templates
from tui.rehearsal.fidelity.ec2 import instance_status_checks
from tui.rehearsal.fidelity.ecs import rollout
from tui.rehearsal.fidelity.elbv2 import target_health
from tui.rehearsal.fidelity.rds import blue_green
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.scenario_loader import load_scenario_spec
from tui.rehearsal.seed import SeededWorld
from tui.rehearsal.topology import green_instance
from tui.rehearsal.traffic import Behaviour


class Scenario:
    """The `Faults` a simulator plays: a `ScenarioSpec` with its state over time."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self._origin: datetime | None = None
        self._on: set[int] = set()  # indexes of faults whose knobs are turned on
        self._victims: dict[int, list[str]] = {}  # instances a fault acted on, to undo it
        self.replica_lag: float = 0.0  # what the simulator publishes as ReplicaLag
        self.long_write = False

    def begin(self, now: datetime) -> None:
        """The drill starts now (the world calls this once it is seeded and settled)."""
        self._origin = now

    def elapsed(self, now: datetime) -> float:
        """Seconds since the drill began."""
        if self._origin is None:
            self._origin = now
        return (now - self._origin).total_seconds()

    def behaviours(self, now: datetime) -> Mapping[str, Behaviour]:
        """How each image and zone serves now (see traffic.py)."""
        elapsed = self.elapsed(now)
        found: dict[str, Behaviour] = {}
        for fault in self.spec.faults:
            if not fault.active(elapsed):
                continue
            if isinstance(fault, BadImage):
                found[fault.image] = Behaviour(error_rate=fault.error_rate)
            elif isinstance(fault, SlowImage):
                found[fault.image] = Behaviour(extra_latency=fault.extra_latency)
            elif isinstance(fault, AzOutage):
                found[f"zone:{fault.zone}"] = Behaviour(down=True)
        return found

    def apply(
        self, now: datetime, clients: Any, world: SeededWorld, ledger: Ledger, time: WorldTime
    ) -> None:
        """Turn knobs on for faults that began and off for faults that ended."""
        elapsed = self.elapsed(now)
        self.replica_lag = 0.0
        self.long_write = any(
            isinstance(f, LongWrite) and f.active(elapsed) for f in self.spec.faults
        )
        for index, fault in enumerate(self.spec.faults):
            active = fault.active(elapsed)
            if isinstance(fault, ReplicaLag) and active:
                self.replica_lag = max(self.replica_lag, fault.lag(elapsed))
                _set_lag(time, clients, fault.deployment, self.replica_lag)
            if isinstance(fault, AzOutage) and active and index in self._on:
                self._mark_zone(index, fault, elapsed, time)
            if active and index not in self._on:
                self._on.add(index)
                ledger.fault_began(f"{fault.label} ({self.name})", now)
                self._turn_on(index, fault, clients, elapsed, time)
            elif not active and index in self._on and elapsed >= fault.start:
                self._on.discard(index)
                self._turn_off(index, fault, clients, time)

    def _turn_on(
        self, index: int, fault: Fault, clients: Any, elapsed: float, time: WorldTime
    ) -> None:
        if isinstance(fault, LongWrite):
            blue_green.set_long_running_write(time, fault.db_instance, True)
        elif isinstance(fault, Throttling):
            throttling.set_throttling(fault.service, fault.share)
        elif isinstance(fault, StatusCheckFailure):
            members = [
                m for m in launch_templates.fleet(fault.group) if m.lifecycle_state == "InService"
            ]
            if members:
                victim = sorted(m.instance_id for m in members)[0]
                instance_status_checks.set_system_status_failed(time, victim, True)
                self._victims[index] = [victim]
        elif isinstance(fault, BadTaskDefinition):
            family, _, revision = fault.task_definition.partition(":")
            arn = resolve_ecs.task_definition_arn(
                clients.client("ecs"), f"{family}:{revision}" if revision else family
            )
            rollout.mark_task_definition_bad(time, arn)
            self._victims[index] = [arn]
        elif isinstance(fault, AzOutage):
            self._mark_zone(index, fault, elapsed, time)

    def _mark_zone(self, index: int, fault: AzOutage, elapsed: float, time: WorldTime) -> None:
        # The ALB needs `detection` seconds of failed health checks before it stops routing.
        if elapsed < fault.start + fault.detection:
            return
        marked = self._victims.setdefault(index, [])
        for member in launch_templates.fleet():
            if member.availability_zone == fault.zone and member.instance_id not in marked:
                target_health.set_unhealthy(
                    time, member.instance_id, "Target.Timeout", "Request timed out"
                )
                marked.append(member.instance_id)

    def _turn_off(self, index: int, fault: Fault, clients: Any, time: WorldTime) -> None:
        victims = self._victims.pop(index, [])
        if isinstance(fault, LongWrite):
            blue_green.set_long_running_write(time, fault.db_instance, False)
        elif isinstance(fault, Throttling):
            throttling.set_throttling(fault.service, 0)
        elif isinstance(fault, ReplicaLag):
            _set_lag(time, clients, fault.deployment, 0.0)
        elif isinstance(fault, StatusCheckFailure):
            for victim in victims:
                instance_status_checks.set_system_status_failed(time, victim, False)
        elif isinstance(fault, BadTaskDefinition):
            for arn in victims:
                rollout.mark_task_definition_good(time, arn)
        elif isinstance(fault, AzOutage):
            for victim in victims:
                target_health.set_healthy(time, victim)


def _set_lag(time: WorldTime, clients: Any, deployment: str, seconds: float) -> None:
    green = green_instance(clients, deployment)
    if green is not None:
        blue_green.set_replica_lag(time, green, seconds)


def load_scenario(name_or_path: str) -> Scenario:
    """A scenario by name (./runbooks/scenarios/NAME.yaml, a shipped one, or `healthy`) or by
    file path."""
    return Scenario(load_scenario_spec(name_or_path))
