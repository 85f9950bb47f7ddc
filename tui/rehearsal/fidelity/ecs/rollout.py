"""ECS services that roll out over time, keep their deploymentConfiguration, and roll back.

moto 5.2.5 drops `deploymentConfiguration`, never starts a service's tasks, and `update_service`
just swaps the task definition on one PRIMARY deployment. Here a service with the `ECS`
deployment controller gets a rolling update (`scheduler.ServiceRollout`) whose tasks are real
moto tasks, so `describe_services`, `describe_tasks` and `list_tasks` show what ECS would:
deployments PRIMARY and ACTIVE with their counts and rolloutState, tasks PENDING then RUNNING,
old tasks stopped as new ones become healthy, the circuit breaker failing and rolling back.

World knobs (plain Python, for scenarios and tests; the world's clock drives the rest):
`mark_task_definition_bad(time, arn, reason)`, `mark_task_definition_good(time, arn)`,
`set_task_timings(time, start_seconds=, health_grace_seconds=)`, and
`running_tasks_by_task_definition(time, cluster, service)` for the traffic model; `time` is
the world's `WorldTime`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.responses import ActionResult
from moto.core.utils import camelcase_to_underscores
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.ecs import task_mirror as mirror
from tui.rehearsal.fidelity.ecs.deployment_config import merged_configuration, to_config
from tui.rehearsal.fidelity.ecs.scheduler import ServiceRollout, Timings
from tui.rehearsal.fidelity.world_time import WorldTime

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_BAD = "_turnout_bad_reason"
_TIMINGS = "_turnout_task_timings"
DEFAULT_BAD_REASON = "CannotPullContainerError: the world marked this task definition bad"


# -- world knobs ------------------------------------------------------------------------------


def _backend_for_arn(arn: str) -> EC2ContainerServiceBackend:
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "ecs":
        raise ValueError(f"not an ECS ARN: {arn!r}")
    return ecs_backends[parts[4]][parts[3]]


def mark_task_definition_bad(time: WorldTime, arn: str, reason: str = DEFAULT_BAD_REASON) -> None:
    """From now on, tasks launched from this task definition fail to start with `reason`."""
    with time.lock:
        _backend_for_arn(arn).describe_task_definition(arn).__dict__[_BAD] = reason


def mark_task_definition_good(time: WorldTime, arn: str) -> None:
    """Undo `mark_task_definition_bad`: new tasks of this task definition start normally."""
    with time.lock:
        _backend_for_arn(arn).describe_task_definition(arn).__dict__.pop(_BAD, None)


def _timings(backend: EC2ContainerServiceBackend) -> Timings:
    if _TIMINGS not in backend.__dict__:
        backend.__dict__[_TIMINGS] = Timings()
    return backend.__dict__[_TIMINGS]


def set_task_timings(
    time: WorldTime,
    start_seconds: float | None = None,
    health_grace_seconds: float | None = None,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
) -> None:
    """How long tasks take to start, and to count as healthy once RUNNING, in this region."""
    with time.lock:
        timings = _timings(ecs_backends[account_id][region])
        if start_seconds is not None:
            timings.start_seconds = start_seconds
        if health_grace_seconds is not None:
            timings.health_grace_seconds = health_grace_seconds


def running_tasks_by_task_definition(
    time: WorldTime,
    cluster: str,
    service: str,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
) -> dict[str, int]:
    """RUNNING tasks of `service` per task definition ARN, as of the world's now."""
    with time.lock:
        backend = ecs_backends[account_id][region]
        _catch_up(time, backend, time.now())
        svc = backend._get_service(cluster, service)
        rollout: ServiceRollout | None = mirror.rollout_of(svc)
        return rollout.running_by_task_definition() if rollout else {}


# -- mirroring the scheduler into moto ---------------------------------------------------------


def _is_bad(backend: EC2ContainerServiceBackend) -> Callable[[str], str | None]:
    def is_bad(task_definition: str) -> str | None:
        return backend.describe_task_definition(task_definition).__dict__.get(_BAD)

    return is_bad


def _firing_alarms(backend: EC2ContainerServiceBackend) -> Callable[[tuple[str, ...]], list[str]]:
    def firing(names: tuple[str, ...]) -> list[str]:
        alarms = cloudwatch_backends[backend.account_id][backend.region_name].alarms
        return [n for n in names if n in alarms and alarms[n].state_value == "ALARM"]

    return firing


def _adopt(
    time: WorldTime, backend: EC2ContainerServiceBackend, service: Service, raw: dict | None
) -> None:
    """Give a just-created service its configuration and, if it rolls out, its first deployment."""
    service.deployment_configuration = merged_configuration(None, raw)
    if service.deployment_controller.get("type", "ECS") != "ECS" or not service.task_definition:
        return
    if service.scheduling_strategy == "DAEMON":
        return
    now = time.now()
    rollout = ServiceRollout(
        name=service.name,
        desired_count=service.desired_count,
        config=to_config(service.deployment_configuration),
        is_bad=_is_bad(backend),
        firing_alarms=_firing_alarms(backend),
        new_id=lambda: uuid.uuid4().hex,
        timings=_timings(backend),
    )
    mirror.attach(service, rollout)
    rollout.deploy(service.task_definition, now)
    mirror.sync(time, backend, service)


def _catch_up(time: WorldTime, backend: EC2ContainerServiceBackend, now: datetime) -> None:
    for service in list(backend.services.values()):
        rollout: ServiceRollout | None = mirror.rollout_of(service)
        if rollout is not None:
            rollout.advance(now)
            mirror.sync(time, backend, service)


def _validate_network(backend: EC2ContainerServiceBackend, service: Service, td: str) -> None:
    if backend.describe_task_definition(td).network_mode == "awsvpc" and not (
        service.network_configuration
    ):
        raise InvalidParameterException(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        )


# -- the patches --------------------------------------------------------------------------------

_HANDLED_UPDATE_KEYS = {
    "cluster",
    "service",
    "taskDefinition",
    "desiredCount",
    "forceNewDeployment",
    "deploymentConfiguration",
}


def _update_service(time: WorldTime, self: EC2ContainerServiceResponse) -> ActionResult:
    """UpdateService for a rolling-update service: new task definition -> new PRIMARY."""
    backend = self.ecs_backend
    params = self._get_params()
    service = backend._get_service(params.get("cluster", "default"), params["service"])
    rollout: ServiceRollout | None = mirror.rollout_of(service)
    if rollout is None:
        return patching.original(EC2ContainerServiceResponse, "update_service")(self)
    now = time.now()
    if params.get("deploymentConfiguration") is not None:
        service.deployment_configuration = merged_configuration(
            service.deployment_configuration, params["deploymentConfiguration"]
        )
        rollout.config = to_config(service.deployment_configuration)
    for key, value in params.items():
        if key not in _HANDLED_UPDATE_KEYS and value is not None:
            setattr(service, camelcase_to_underscores(key), value)
    target = rollout.primary.task_definition if rollout.primary else service.task_definition
    if params.get("taskDefinition"):
        target = backend.describe_task_definition(params["taskDefinition"]).arn
    _validate_network(backend, service, target)
    if params.get("desiredCount") is not None:
        service.desired_count = int(params["desiredCount"])
        rollout.set_desired(service.desired_count, now)
    current = rollout.primary.task_definition if rollout.primary else None
    if target != current or params.get("forceNewDeployment"):
        rollout.deploy(target, now)
    mirror.sync(time, backend, service)
    return ActionResult({"service": service})


def _create_service(time: WorldTime, self: EC2ContainerServiceResponse) -> ActionResult:
    raw = self._get_param("deploymentConfiguration")
    merged_configuration(None, raw)  # refuse a bad configuration before moto creates anything
    result = patching.original(EC2ContainerServiceResponse, "create_service")(self)
    service = self.ecs_backend._get_service(
        self._get_param("cluster", "default"), self._get_param("serviceName")
    )
    _adopt(time, self.ecs_backend, service, raw)
    return result


def _list_tasks(
    self: EC2ContainerServiceBackend,
    cluster_str: str | None = None,
    container_instance: str | None = None,
    family: str | None = None,
    started_by: str | None = None,
    service_name: str | None = None,
    desiredStatus: str | None = None,
) -> list[Task]:
    """ListTasks as AWS documents it: desiredStatus defaults to RUNNING; serviceName filters."""
    moto_list_tasks = patching.original(EC2ContainerServiceBackend, "list_tasks")
    tasks = moto_list_tasks(
        self, cluster_str, container_instance, family, started_by, None, desiredStatus or "RUNNING"
    )
    if service_name:
        service = self._get_service(cluster_str or "default", service_name)
        tasks = [t for t in tasks if t.group == f"service:{service.name}"]
    return tasks


def _stop_task(
    time: WorldTime, self: EC2ContainerServiceBackend, cluster_str: str, task_str: str, reason: str
):
    owner = mirror.owner(self, task_str)
    if owner is None:
        return patching.original(EC2ContainerServiceBackend, "stop_task")(
            self, cluster_str, task_str, reason
        )
    service, task_id = owner
    rollout = mirror.rollout_of(service)
    assert rollout is not None
    rollout.stop_task(task_id, reason or "Task stopped by user", time.now())
    mirror.sync(time, self, service)
    return service.__dict__[mirror.TASKS][task_id]


def _delete_service(
    time: WorldTime, self: EC2ContainerServiceBackend, cluster_name: str, service_name: str, force
):
    moto_delete_service = patching.original(EC2ContainerServiceBackend, "delete_service")
    result = moto_delete_service(self, cluster_name, service_name, force)
    rollout: ServiceRollout | None = mirror.rollout_of(result)
    if rollout is not None:
        # Deleting scales the service to zero: its tasks are stopped, not left running.
        rollout.set_desired(0, time.now())
        mirror.sync(time, self, result)
    return result


def _caught_up(time: WorldTime, method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a response handler: catch the world up to now, under the world's lock, then answer."""

    def handler(self: EC2ContainerServiceResponse) -> Any:
        with time.lock:
            _catch_up(time, self.ecs_backend, time.now())
            return method(self)

    handler.__name__ = method.__name__
    handler.__doc__ = method.__doc__
    return handler


def install(time: WorldTime) -> None:
    """Patch moto's ECS backend and responses."""
    response, backend = EC2ContainerServiceResponse, EC2ContainerServiceBackend
    patching.patch(backend, "list_tasks", _list_tasks)
    patching.patch(backend, "stop_task", time.bound(_stop_task))
    patching.patch(backend, "delete_service", time.bound(_delete_service))
    # Our handlers call moto's own (through `patching.original`) for services we do not roll.
    patching.patch(response, "update_service", _caught_up(time, time.bound(_update_service)))
    patching.patch(response, "create_service", _caught_up(time, time.bound(_create_service)))
    for name in (
        "describe_services",
        "describe_tasks",
        "list_tasks",
        "stop_task",
        "delete_service",
        "describe_clusters",
    ):
        patching.wrap(response, name, functools.partial(_caught_up, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Advance every rolling update in every account and region to `now`."""
    for account in list(ecs_backends.values()):
        for backend in list(account.values()):
            _catch_up(time, backend, now)
