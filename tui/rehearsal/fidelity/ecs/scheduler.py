"""The ECS rolling-update scheduler as a pure state machine, driven by the world's time.

This is what the ECS service scheduler does during a rolling update (deployment controller
`ECS`), as the Amazon ECS Developer Guide documents it, with no moto in sight:

- `minimumHealthyPercent` (rounded up) is a floor on healthy RUNNING tasks, `maximumPercent`
  (rounded down) a ceiling on RUNNING + PENDING tasks, both as a percentage of the desired count;
- a new deployment is PRIMARY, the previous ones ACTIVE; the scheduler starts tasks of the
  PRIMARY deployment and stops tasks of the ACTIVE ones as new ones become healthy, then drops
  the drained deployments and marks the PRIMARY rolloutState COMPLETED;
- a task counts towards the healthy floor only once it has been RUNNING for the health grace
  (40 s for tasks without a container health check);
- the deployment circuit breaker counts tasks that fail to start; at its threshold
  (0.5 x desired count, at least 3 and at most 200, unless thresholdConfiguration says otherwise)
  the deployment goes FAILED, stops launching tasks and, with rollback, a new PRIMARY deployment
  rolls back to the task definition of the last COMPLETED deployment.

`rollout` mirrors this state into moto's service and task objects.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

PENDING, RUNNING, STOPPED = "PENDING", "RUNNING", "STOPPED"
IN_PROGRESS, COMPLETED, FAILED = "IN_PROGRESS", "COMPLETED", "FAILED"


@dataclass
class Timings:
    """How long tasks take in this world (seconds)."""

    start_seconds: float = 30.0  # PENDING -> RUNNING (or -> STOPPED when the start fails)
    health_grace_seconds: float = 40.0  # RUNNING before the task counts as healthy


@dataclass
class Config:
    """The parts of a service's deploymentConfiguration the rolling update obeys."""

    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    breaker_enable: bool = False
    breaker_rollback: bool = False
    reset_on_healthy_task: bool = True
    threshold_type: str = "BOUNDED_PERCENT"
    threshold_value: int = 50
    alarm_names: tuple[str, ...] = ()
    alarms_enable: bool = False
    alarms_rollback: bool = False

    def failure_threshold(self, desired: int) -> int:
        """How many failed task starts trip the circuit breaker."""
        if self.threshold_type == "COUNT":
            return max(1, self.threshold_value)
        raw = math.ceil(desired * self.threshold_value / 100)
        if self.threshold_type == "UNBOUNDED_PERCENT":
            return max(1, raw)
        return min(200, max(3, raw))


@dataclass
class SimTask:
    """One task of the service, from launch to STOPPED."""

    id: str
    deployment_id: str
    task_definition: str
    created_at: datetime
    ready_at: datetime
    fails: bool
    failure_reason: str = ""
    last_status: str = PENDING
    desired_status: str = RUNNING
    started_at: datetime | None = None
    healthy_at: datetime | None = None
    stopping_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None

    @property
    def live(self) -> bool:
        """PENDING or RUNNING: what maximumPercent caps."""
        return self.last_status != STOPPED

    def healthy(self, at: datetime) -> bool:
        """RUNNING and past its health grace: what minimumHealthyPercent counts."""
        return self.last_status == RUNNING and self.healthy_at is not None and self.healthy_at <= at


@dataclass
class SimDeployment:
    """One deployment of the service (PRIMARY or ACTIVE)."""

    id: str
    task_definition: str
    created_at: datetime
    updated_at: datetime
    desired_count: int
    status: str = "PRIMARY"
    rollout_state: str = IN_PROGRESS
    rollout_state_reason: str = ""
    failed_tasks: int = 0
    breaker_failures: int = 0


@dataclass
class ServiceRollout:
    """The rolling-update state of one service.

    `is_bad(task_definition)` returns the reason a task definition's tasks fail to start, or None;
    `firing_alarms(names)` returns the named CloudWatch alarms now in ALARM; `new_id()` makes
    task and deployment ids. Call `advance(now)` before reading anything.
    """

    name: str
    desired_count: int
    config: Config
    is_bad: Callable[[str], str | None]
    firing_alarms: Callable[[tuple[str, ...]], list[str]]
    new_id: Callable[[], str]
    timings: Timings = field(default_factory=Timings)
    deployments: list[SimDeployment] = field(default_factory=list)
    tasks: list[SimTask] = field(default_factory=list)
    events: list[tuple[datetime, str]] = field(default_factory=list)
    last_completed_task_definition: str | None = None
    clock: datetime | None = None

    # -- commands ---------------------------------------------------------------------------

    def deploy(self, task_definition: str, at: datetime, reason: str | None = None) -> None:
        """Start a new PRIMARY deployment of `task_definition`; the old PRIMARY becomes ACTIVE."""
        self.advance(at)
        self._start_deployment(task_definition, at, reason)
        self._schedule(at)

    def _start_deployment(self, task_definition: str, at: datetime, reason: str | None) -> None:
        for old in self.deployments:
            if old.status == "PRIMARY":
                old.status = "ACTIVE"
                old.updated_at = at
        dep_id = f"ecs-svc/{self.new_id()}"
        self.deployments.insert(
            0,
            SimDeployment(
                id=dep_id,
                task_definition=task_definition,
                created_at=at,
                updated_at=at,
                desired_count=self.desired_count,
                rollout_state_reason=reason or f"ECS deployment {dep_id} in progress.",
            ),
        )

    def set_desired(self, desired: int, at: datetime) -> None:
        """Change the desired count; the PRIMARY deployment scales to it."""
        self.advance(at)
        self.desired_count = desired
        if self.deployments:
            self.deployments[0].desired_count = desired
        self._schedule(at)

    def stop_task(self, task_id: str, reason: str, at: datetime) -> None:
        """Someone stopped a task (StopTask); the scheduler will replace it."""
        self.advance(at)
        for task in self.tasks:
            if task.id == task_id and task.live:
                self._stop(task, at, "UserInitiated", reason)
        self._schedule(at)

    # -- reading ----------------------------------------------------------------------------

    @property
    def primary(self) -> SimDeployment | None:
        """The PRIMARY deployment, if any."""
        return self.deployments[0] if self.deployments else None

    def count(self, status: str, deployment_id: str | None = None) -> int:
        """Tasks in `status` (all deployments, or one)."""
        return sum(
            1
            for t in self.tasks
            if t.last_status == status and deployment_id in (None, t.deployment_id)
        )

    def running_by_task_definition(self) -> dict[str, int]:
        """RUNNING tasks per task definition ARN (the traffic model weighs revisions by this)."""
        counts: dict[str, int] = {}
        for task in self.tasks:
            if task.last_status == RUNNING:
                counts[task.task_definition] = counts.get(task.task_definition, 0) + 1
        return counts

    # -- time ---------------------------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        """Play every task start, failure and health check due up to `now`, in time order."""
        while True:
            due = self._next_event()
            if due is None or due > now:
                break
            self._fire(due)
            self._schedule(due)
        # Alarms are polled, not evented: look at them (and anything else) as of `now` too.
        self._schedule(now)
        self.clock = now if self.clock is None else max(self.clock, now)

    def _next_event(self) -> datetime | None:
        times = [t.ready_at for t in self.tasks if t.last_status == PENDING]
        times += [
            t.healthy_at
            for t in self.tasks
            if t.last_status == RUNNING
            and t.healthy_at is not None
            and (self.clock is None or t.healthy_at > self.clock)
        ]
        return min(times) if times else None

    def _fire(self, at: datetime) -> None:
        for task in self.tasks:
            if task.last_status == PENDING and task.ready_at <= at:
                dep = self._deployment(task.deployment_id)
                if task.fails:
                    self._stop(task, at, "TaskFailedToStart", task.failure_reason)
                    if dep is not None:
                        dep.failed_tasks += 1
                        dep.breaker_failures += 1
                        dep.updated_at = at
                else:
                    task.last_status = RUNNING
                    task.started_at = at
                    task.healthy_at = at + timedelta(seconds=self.timings.health_grace_seconds)
            elif task.healthy(at) and task.healthy_at == at:
                dep = self._deployment(task.deployment_id)
                if dep is not None and self.config.reset_on_healthy_task:
                    dep.breaker_failures = 0
        # Health events at `at` are consumed: remember we have reached it.
        self.clock = at if self.clock is None else max(self.clock, at)

    # -- the scheduler ------------------------------------------------------------------------

    def _schedule(self, at: datetime) -> None:
        primary = self.primary
        if primary is None:
            return
        self._check_breaker(primary, at)
        primary = self.primary
        assert primary is not None
        self._check_alarms(primary, at)
        primary = self.primary
        assert primary is not None
        desired = self.desired_count
        ceiling = math.floor(desired * self.config.maximum_percent / 100)
        floor = math.ceil(desired * self.config.minimum_healthy_percent / 100)

        # Old deployments' pending tasks never count as healthy: stop them at once.
        for task in self.tasks:
            if task.live and task.deployment_id != primary.id and task.last_status == PENDING:
                self._stop(task, at, "ServiceSchedulerInitiated", self._scaling_reason(primary))
        # Stop old RUNNING tasks down to the healthy floor (unhealthy ones first).
        old = [t for t in self.tasks if t.live and t.deployment_id != primary.id]
        old.sort(key=lambda t: (t.healthy(at), t.created_at))
        healthy = sum(1 for t in self.tasks if t.healthy(at))
        for task in old:
            if task.healthy(at):
                if healthy - 1 < floor:
                    continue
                healthy -= 1
            self._stop(task, at, "ServiceSchedulerInitiated", self._scaling_reason(primary))
        # Scale the PRIMARY in when the desired count dropped.
        mine = [t for t in self.tasks if t.live and t.deployment_id == primary.id]
        if len(mine) > desired:
            mine.sort(key=lambda t: (t.last_status == RUNNING, t.created_at))
            for task in mine[: len(mine) - desired]:
                self._stop(task, at, "ServiceSchedulerInitiated", self._scaling_reason(primary))
        # Start PRIMARY tasks up to the desired count, under the ceiling.
        if primary.rollout_state != FAILED:
            live = sum(1 for t in self.tasks if t.live)
            mine_live = sum(1 for t in self.tasks if t.live and t.deployment_id == primary.id)
            room = min(desired - mine_live, ceiling - live)
            started = [self._launch(primary, at) for _ in range(max(0, room))]
            if started:
                self.events.append(
                    (
                        at,
                        f"(service {self.name}) has started {len(started)} tasks: "
                        + " ".join(f"(task {t.id})" for t in started)
                        + ".",
                    )
                )
        self._check_steady(primary, at)

    def _launch(self, dep: SimDeployment, at: datetime) -> SimTask:
        reason = self.is_bad(dep.task_definition)
        task = SimTask(
            id=self.new_id(),
            deployment_id=dep.id,
            task_definition=dep.task_definition,
            created_at=at,
            ready_at=at + timedelta(seconds=self.timings.start_seconds),
            fails=reason is not None,
            failure_reason=reason or "",
        )
        self.tasks.append(task)
        dep.updated_at = at
        return task

    def _stop(self, task: SimTask, at: datetime, code: str, reason: str) -> None:
        task.last_status = STOPPED
        task.desired_status = STOPPED
        task.stopping_at = at
        task.stopped_at = at
        task.stop_code = code
        task.stopped_reason = reason

    def _scaling_reason(self, primary: SimDeployment) -> str:
        return f"Scaling activity initiated by (deployment {primary.id})"

    def _deployment(self, dep_id: str) -> SimDeployment | None:
        return next((d for d in self.deployments if d.id == dep_id), None)

    def _check_breaker(self, primary: SimDeployment, at: datetime) -> None:
        if not self.config.breaker_enable or primary.rollout_state != IN_PROGRESS:
            return
        if primary.breaker_failures < self.config.failure_threshold(self.desired_count):
            return
        self._fail(
            primary,
            at,
            "ECS deployment circuit breaker: tasks failed to start.",
            rollback=self.config.breaker_rollback,
        )

    def _check_alarms(self, primary: SimDeployment, at: datetime) -> None:
        cfg = self.config
        if not cfg.alarms_enable or not cfg.alarm_names or primary.rollout_state != IN_PROGRESS:
            return
        firing = self.firing_alarms(cfg.alarm_names)
        if firing:
            self._fail(
                primary,
                at,
                f"Failed due to alarm(s): {', '.join(sorted(firing))} in ALARM state.",
                rollback=cfg.alarms_rollback,
            )

    def _fail(self, primary: SimDeployment, at: datetime, reason: str, rollback: bool) -> None:
        primary.rollout_state = FAILED
        primary.rollout_state_reason = reason
        primary.updated_at = at
        self.events.append(
            (at, f"(service {self.name}) (deployment {primary.id}) deployment failed: {reason}")
        )
        target = self.last_completed_task_definition
        if rollback and target is not None:
            self.events.append(
                (at, f"(service {self.name}) rolling back to task definition {target}.")
            )
            self._start_deployment(
                target,
                at,
                reason=(
                    f"ECS deployment circuit breaker: rolling back to deploymentId {primary.id}."
                ),
            )

    def _check_steady(self, primary: SimDeployment, at: datetime) -> None:
        if primary.rollout_state != IN_PROGRESS:
            return
        mine = [t for t in self.tasks if t.live and t.deployment_id == primary.id]
        others_live = any(t.live and t.deployment_id != primary.id for t in self.tasks)
        if len(mine) != self.desired_count or others_live:
            return
        if not all(t.healthy(at) for t in mine):
            return
        primary.rollout_state = COMPLETED
        primary.rollout_state_reason = f"ECS deployment {primary.id} completed."
        primary.updated_at = at
        self.last_completed_task_definition = primary.task_definition
        self.deployments = [primary]
        self.events.append(
            (at, f"(service {self.name}) (deployment {primary.id}) deployment completed.")
        )
        self.events.append((at, f"(service {self.name}) has reached a steady state."))
