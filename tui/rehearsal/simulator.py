"""The loop that makes the world move: on the world's clock it advances the fidelity extensions,
applies the scenario's faults, serves the traffic model and publishes the metrics AWS would."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from tui.rehearsal import fidelity, names, publish_tiers
from tui.rehearsal.debrief import Ledger, Sample
from tui.rehearsal.fidelity.autoscaling import launch_templates
from tui.rehearsal.fidelity.ecs import rollout
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.publish import RECEIVED, alb_metrics, put_all
from tui.rehearsal.seed import SeededWorld
from tui.rehearsal.topology import DatabaseRoles, Placement, database_roles, read_topology
from tui.rehearsal.traffic import Behaviour, simulate_interval

log = logging.getLogger(__name__)

REQUESTS_PER_SECOND = 50.0
# At most this much world time between two publications (plus the step's own time): half a
# CloudWatch period, so no one-minute period goes empty at any speed `rehearse` allows (a
# `missing_data: breach` guardrail would fire on a gap AWS itself would never leave). State is
# never back-dated to fill a gap: a momentary dip must not fill a whole period.
MAX_WORLD_GAP = 30.0

# A loaded machine cannot always keep up with a fast world: a step that takes half a real second
# is 50 world-seconds at 100x, and a step more than a minute after the last leaves a one-minute
# period without a datapoint, which a `missing_data: breach` guardrail rightly reads as a fault.
# So each step holds the world's clock (which the engine and moto share) within MAX_WORLD_GAP of
# the step's own time: a machine that falls behind makes the world slower, never leaves a hole.
# (A governor that slowed the clock after a late step came before this; it could not stop the
# first late step, and a busy CI machine stalled long enough to empty two periods.)
# While a person decides (a question waits for an answer), the world runs at no more than real
# time: their reading and thinking cost the world what they would cost on the night, and a
# two-minute rollback countdown lasts two minutes. At 10× a trainee's ten seconds of reading let
# a bad canary serve errors for a hundred, and its countdown ran out in twelve.
REAL_TIME = 1.0
# A trainee's `f` (fast-forward) runs a bake or a wait nobody needs to watch at this speed: the
# fastest `rehearse` allows (its MAX_SPEED, measured to keep every guardrail's periods full).
# Raising the speed rather than jumping the clock keeps every minute of the skipped wait
# simulated and published, so the guardrails still read it as they would have.
FAST_FORWARD_SPEED = 100.0


class Faults(Protocol):
    """What a scenario does to the world (see scenario.py); `NoFaults` is the healthy world."""

    replica_lag: float  # seconds, the green replica's lag as of the last `apply`
    long_write: bool  # whether a long-running write holds the blue database

    def begin(self, now: datetime) -> None:
        """The drill starts now: fault times are measured from here."""

    def step_reached(self, step: str, moment: str, now: datetime) -> bool:
        """Runbook step `step` reached `moment` ("start", "end") now; whether a fault starts
        at it."""

    def apply(
        self, now: datetime, clients: Any, world: SeededWorld, ledger: Ledger, time: WorldTime
    ) -> None:
        """Turn the world's knobs (given the world's time) for the faults active at `now`."""

    def behaviours(self, now: datetime) -> Mapping[str, Behaviour]:
        """How each image id / `zone:<az>` serves at `now`."""


class NoFaults:
    """The healthy scenario."""

    replica_lag = 0.0
    long_write = False

    def begin(self, now: datetime) -> None:
        return None

    def step_reached(self, step: str, moment: str, now: datetime) -> bool:
        return False

    def apply(
        self, now: datetime, clients: Any, world: SeededWorld, ledger: Ledger, time: WorldTime
    ) -> None:
        return None

    def behaviours(self, now: datetime) -> Mapping[str, Behaviour]:
        return {}


@dataclass
class SimulatorStats:
    """How the loop is doing, for `turnout world` and the benchmark."""

    ticks: int = 0
    last_error: str | None = None
    slowed: int = 0  # steps that found the world's clock held back for them (the machine was busy)


class Simulator:
    """Advances the world one interval at a time; `start()` runs it on a daemon thread."""

    def __init__(
        self,
        clients: Any,
        world: SeededWorld,
        time: WorldTime,
        faults: Faults | None = None,
        interval: float = 5.0,
        min_real_interval: float = 0.5,
        seed: int = 1,
    ) -> None:
        self.clients, self.world = clients, world
        # The world's time: its clock (whose speed `at_real_time` changes) and the extensions' lock.
        self.time, self.clock = time, time.clock
        self.faults: Faults = faults or NoFaults()
        self.interval, self.min_real_interval = interval, min_real_interval
        self.ledger = Ledger()
        self.stats = SimulatorStats()
        self._rng = random.Random(seed)
        self._placements: dict[str, Placement] = {}  # see read_topology
        self._last: datetime | None = None  # the world time of the last step's metrics
        self._turned: datetime | None = None  # when the loop last turned
        self._stop = threading.Event()
        self._wake = threading.Event()  # ends the wait between steps early (and at stop)
        self._thread: threading.Thread | None = None
        # One step at a time: the loop's, and one asked for by `step_now` (or a test's, or a
        # drill clock's) from another thread.
        self._stepping = threading.Lock()
        self._turns = threading.Condition()
        self._turns_begun = self._turns_done = 0  # the loop's turns, for `step_now` to wait on
        # The clock's speed is `at_real_time`'s and `fast_forward`'s to change: real time while
        # anyone decides, else FAST_FORWARD_SPEED while fast-forwarding, else the drill's own.
        self._speed_lock = threading.Lock()
        self._deciding = 0  # people deciding now (the engine asks one question at a time)
        self._fast = False
        self._base_speed: float | None = None  # the drill's own speed, while changed

    def step(self) -> None:
        """Advance the world to the clock's now: one interval of traffic and metrics."""
        with self._stepping:
            self._step()

    def step_now(self, limit: float = 30.0) -> None:
        """Take a step at the clock's now and return once it is done: what a session's step
        reads next then includes it. With the loop running, its next turn is woken and waited
        for (up to `limit` real seconds: a stopped or stuck loop must not hang the session);
        without it (a test's world moved by hand), the step is taken on this thread."""
        if self._thread is None:
            self.step()
            return
        with self._turns:
            wanted = self._turns_begun + 1  # a turn already under way may have missed the news
            self._wake.set()
            self._turns.wait_for(
                lambda: self._turns_done >= wanted or self._stop.is_set(), timeout=limit
            )

    def wait_for_turns(self, count: int, limit: float = 20.0) -> None:
        """Return once the loop has stepped `count` times in all (`stats.ticks`), each turn
        woken at once rather than after its rest between turns (a world's first metrics in
        `rehearse`'s boot: waiting out that half-second was a fifth of it). Up to `limit` real
        seconds: a loop whose steps fail (the error is in `stats`) must not hang the boot."""
        deadline = time.monotonic() + limit
        with self._turns:
            while self.stats.ticks < count and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                done = self._turns_done
                self._wake.set()  # a turn under way has cleared it: the next begins at once
                self._turns.wait_for(
                    lambda done=done: self._turns_done > done or self._stop.is_set(),
                    timeout=left,
                )

    def _step(self) -> None:
        now = self.clock.now()
        elapsed = (now - self._last).total_seconds() if self._last else self.interval
        self._last = now
        fidelity.tick(self.time)
        self.faults.apply(now, self.clients, self.world, self.ledger, self.time)
        topology, group_arns = read_topology(self.clients, self.world, self._placements)
        requests = round(REQUESTS_PER_SECOND * max(elapsed, 0.0))
        traffic = simulate_interval(topology, requests, self.faults.behaviours(now), self._rng)
        cloudwatch = self.clients.client("cloudwatch")
        # Published undated: CloudWatch stamps each datum with the world's time as it stores
        # it, so a datapoint is readable at the time it carries (publish.py says why).
        data = list(alb_metrics(self.world["load_balancer"], group_arns, traffic, RECEIVED))
        put_all(cloudwatch, "AWS/ApplicationELB", data)
        self._publish_tiers(cloudwatch, traffic, max(elapsed, 1.0))
        latencies = sorted(x for t in traffic.values() for x in t.latencies)
        self.ledger.record(
            Sample(
                at=now,
                requests=sum(t.requests for t in traffic.values()),
                errors=sum(t.target_5xx + t.elb_5xx for t in traffic.values()),
                p99_latency=latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
            )
        )
        self.stats.ticks += 1

    def serve_one(self, rng: random.Random) -> dict[str, Any]:
        """Serve a single user request on the current topology (for the front door)."""
        topology, _ = read_topology(self.clients, self.world, self._placements)
        return simulate_interval(topology, 1, self.faults.behaviours(self.clock.now()), rng, 1)

    def _publish_tiers(self, cloudwatch: Any, traffic: Mapping[str, Any], seconds: float) -> None:
        now = RECEIVED
        per_instance = {
            instance: served / seconds
            for group in traffic.values()
            for instance, served in group.per_instance_requests.items()
        }
        put_all(cloudwatch, "AWS/EC2", list(publish_tiers.ec2_cpu(per_instance, now, self._rng)))
        rps = sum(g.requests for g in traffic.values()) / seconds
        data = []
        roles = database_roles(self.clients)
        for db, deployment, share in (
            (names.DB_INSTANCE, names.BLUE_GREEN, 1.0),
            (names.INVENTORY_DB, names.INVENTORY_BLUE_GREEN, 0.3),
        ):
            lag = self.faults.replica_lag if db == names.DB_INSTANCE else 0.0
            long_write = self.faults.long_write and db == names.DB_INSTANCE
            role = roles.get(deployment, DatabaseRoles())
            data += publish_tiers.rds(db, role.green, lag, long_write, rps * share, now, self._rng)
            if role.retired:  # AWS publishes for the old blue for as long as it exists
                data += publish_tiers.retired_rds(role.retired, now, self._rng)
        put_all(cloudwatch, "AWS/RDS", data)
        data = []
        services = (names.ECS_SERVICE, names.WORKER_SERVICE)
        described = self.clients.client("ecs").describe_services(
            cluster=names.ECS_CLUSTER, services=list(services)
        )["services"]
        desired = {d["serviceName"]: d["desiredCount"] for d in described}
        for service in services:
            running = sum(
                rollout.running_tasks_by_task_definition(
                    self.time, names.ECS_CLUSTER, service
                ).values()
            )
            data += publish_tiers.ecs(
                names.ECS_CLUSTER, service, running, desired[service], now, self._rng
            )
        put_all(cloudwatch, "AWS/ECS", data)
        in_service: dict[str, int] = {}
        for member in launch_templates.fleet():
            in_service.setdefault(member.group, 0)
            in_service[member.group] += member.lifecycle_state == "InService"
        put_all(cloudwatch, "AWS/AutoScaling", list(publish_tiers.auto_scaling(in_service, now)))

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._turns:
                self._turns_begun += 1
                self._wake.clear()  # a wake asked for before this turn is answered by it
            wait = self.turn()
            with self._turns:
                self._turns_done += 1
                self._turns.notify_all()
            self._wake.wait(wait)

    def turn(self) -> float:
        """One turn of the loop: step at the clock's now, hold the clock within MAX_WORLD_GAP of
        it, and return the real seconds to wait before the next. Split out of the loop so the
        hold is tested turn by turn on a clock of the test's own, not by sleeping and hoping the
        machine is idle."""
        hold = getattr(self.clock, "hold_within", None)
        now = self.clock.now()
        late = self._turned is not None and (now - self._turned).total_seconds() >= MAX_WORLD_GAP
        if hold is not None and late:
            self.stats.slowed += 1  # the clock stood waiting for this step
        self._turned = now
        try:
            self.step()
            self.stats.last_error = None
        except Exception as exc:  # the world keeps moving; `turnout world` shows the error
            self.stats.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("simulator step failed")
        if hold is not None:  # also when the step failed: the world goes on, held to this turn
            stepped = max(now, self._last or now)  # the time the step's metrics carry
            hold(stepped + timedelta(seconds=MAX_WORLD_GAP))
        speed = getattr(self.clock, "speed", 1.0)
        real = max(self.interval / speed, self.min_real_interval)
        return min(real, MAX_WORLD_GAP / speed)

    @contextmanager
    def at_real_time(self) -> Iterator[None]:
        """The world at no more than real time while a person decides, then
        back at the speed it ran at. A world on a clock without a speed (a test's manual clock)
        is left alone."""
        if not hasattr(self.clock, "speed"):
            yield
            return
        with self._speed_lock:
            self._deciding += 1
            self._apply_speed()
        try:
            yield
        finally:
            with self._speed_lock:
                self._deciding -= 1
                self._apply_speed()
            # The loop may be in a wait timed at real time; at full speed again, that wait
            # would be a hole of minutes in the world's metrics.
            self._wake.set()

    def fast_forward(self, on: bool) -> None:
        """Run the world at FAST_FORWARD_SPEED (`on`) until told to stop (a trainee's `f`
        during a bake or a wait); a question asked meanwhile still waits at real time."""
        if not hasattr(self.clock, "speed"):
            return
        with self._speed_lock:
            self._fast = on
            self._apply_speed()
        self._wake.set()

    def _apply_speed(self) -> None:
        """Set the clock's speed from who is deciding and whether it fast-forwards (under
        `_speed_lock`); the drill's own speed is kept aside while another one applies."""
        if self._base_speed is None:
            self._base_speed = self.clock.speed
        base = self._base_speed
        if self._deciding:
            speed = min(base, REAL_TIME)
        elif self._fast:
            speed = max(base, FAST_FORWARD_SPEED)
        else:
            speed, self._base_speed = base, None
        if self.clock.speed != speed:
            self.clock.speed = speed

    def start(self) -> None:
        """Run `step` every interval of world time (at least `min_real_interval` apart)."""
        self._thread = threading.Thread(target=self._run, name="world-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop and wait for its last step to finish; the clock runs free again."""
        self._stop.set()
        self._wake.set()
        with self._turns:
            self._turns.notify_all()  # a `step_now` waiting on the loop
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        hold = getattr(self.clock, "hold_within", None)
        if hold is not None:
            hold(None)
