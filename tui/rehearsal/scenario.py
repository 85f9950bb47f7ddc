"""A scenario at run time: turns the world's knobs as its faults start and end.

The knobs are the fidelity extensions' (target health, status checks, ECS task definitions,
RDS replica lag and long writes, throttling); `behaviours` feeds the traffic model. Times are
measured from `begin`, which the world calls once it is seeded and settled; a fault that starts
at a runbook step waits until `step_reached` says the step has come (the rehearsal's session
tells the world, `World.step_reached`).
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
    StepStart,
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
        # When each step's moment came ((step, "start" | "end") -> seconds since `begin`),
        # for the faults that start at one; the first time counts (a retried step is late).
        self._steps: dict[tuple[str, str], float] = {}
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

    def step_reached(self, step: str, moment: str, now: datetime) -> bool:
        """Runbook step `step` has reached `moment` ("start" or "end") now; whether a fault
        starts at it (the world then brings the fault in before the session goes on)."""
        key = (step, moment)
        if key in self._steps:
            return False
        self._steps[key] = self.elapsed(now)
        return any((s.step, s.at) == key for s in self.spec.step_starts())

    def steps_reached_now(self, now: datetime) -> None:
        """Every step a fault waits for has come now: for a world no session tells of its steps
        (`turnout world`), whose step-relative faults then start when it is ready."""
        for start in self.spec.step_starts():
            self.step_reached(start.step, start.at, now)

    def since(self, fault: Fault, elapsed: float) -> float | None:
        """Seconds since `fault` began, `elapsed` seconds into the drill (negative: not yet;
        None: the step it starts at has not come)."""
        start = fault.start
        if isinstance(start, StepStart):
            reached = self._steps.get((start.step, start.at))
            return None if reached is None else elapsed - reached - start.after
        return elapsed - start

    def behaviours(self, now: datetime) -> Mapping[str, Behaviour]:
        """How each image and zone serves now (see traffic.py)."""
        elapsed = self.elapsed(now)
        found: dict[str, Behaviour] = {}
        for fault in self.spec.faults:
            if not fault.active(self.since(fault, elapsed)):
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
            isinstance(f, LongWrite) and f.active(self.since(f, elapsed)) for f in self.spec.faults
        )
        for index, fault in enumerate(self.spec.faults):
            since = self.since(fault, elapsed)
            active = fault.active(since)
            if isinstance(fault, ReplicaLag | LongWrite) and active and since is not None:
                self.replica_lag = max(self.replica_lag, fault.lag(since))
                _set_lag(time, clients, fault.deployment, self.replica_lag)
            if isinstance(fault, AzOutage) and active and index in self._on:
                self._mark_zone(index, fault, time)
            if active and index not in self._on and since is not None:
                self._on.add(index)
                ledger.fault_began(f"{fault.label} ({self.name})", now)
                self._turn_on(index, fault, clients, since, time)
            elif not active and index in self._on:
                self._on.discard(index)
                self._turn_off(index, fault, clients, time)

    def _turn_on(
        self, index: int, fault: Fault, clients: Any, since: float, time: WorldTime
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
            self._mark_zone(index, fault, time)

    def _mark_zone(self, index: int, fault: AzOutage, time: WorldTime) -> None:
        # Health checks fail from the moment the zone goes dark; target health turns them
        # unhealthy after each group's interval × unhealthy threshold, as the ALB would.
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
            _set_lag(time, clients, fault.deployment, 0.0)
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
