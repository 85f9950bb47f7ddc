"""Mirroring the ECS scheduler's state into moto's service and task objects.

moto serializes DescribeServices, DescribeTasks and ListTasks from its own objects, so after
every step of `scheduler.ServiceRollout` its deployments, counts, events and tasks are copied
onto moto's `Service` and `Task`s (and the cluster's task counts), which keeps every boto3 call a
real round trip through moto's serializer.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.ec2.models import ec2_backends
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task

from tui.rehearsal.fidelity.ecs.scheduler import RUNNING, STOPPED, ServiceRollout, SimTask
from tui.rehearsal.fidelity.world_time import WorldTime

# Our state rides on moto's own objects, so a moto reset drops it with them.
ROLLOUT = "_turnout_rollout"
TASKS = "_turnout_tasks"
CONTRIB = "_turnout_cluster_contribution"


class RolloutTask(Task):
    """A service task whose status follows the world's clock, not how often it is described.

    moto's tasks advance one state per DescribeTasks call (ManagedState, `manual` progression);
    ours are set by the scheduler only.
    """

    @property
    def status(self) -> str | None:  # type: ignore[override]
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value


def rollout_of(service: Service) -> ServiceRollout | None:
    """The rolling update behind a service, or None when moto alone answers for it."""
    return service.__dict__.get(ROLLOUT)


def attach(service: Service, rollout: ServiceRollout) -> None:
    """Put `rollout` behind `service`, taking over the task counts moto gave its cluster."""
    service.__dict__[ROLLOUT] = rollout
    service.__dict__[TASKS] = {}
    service.__dict__[CONTRIB] = (service.running_count, service.pending_count)


def deployment_dicts(service: Service, rollout: ServiceRollout) -> list[dict[str, Any]]:
    """The service's deployments as DescribeServices returns them (PRIMARY first)."""
    out = []
    for dep in rollout.deployments:
        live = sum(1 for t in rollout.tasks if t.live and t.deployment_id == dep.id)
        entry: dict[str, Any] = {
            "id": dep.id,
            "status": dep.status,
            "taskDefinition": dep.task_definition,
            "desiredCount": dep.desired_count if dep.status == "PRIMARY" else live,
            "pendingCount": rollout.count("PENDING", dep.id),
            "runningCount": rollout.count(RUNNING, dep.id),
            "failedTasks": dep.failed_tasks,
            "createdAt": dep.created_at,
            "updatedAt": dep.updated_at,
            "launchType": service.launch_type,
            "platformFamily": "EC2" if service.launch_type == "EC2" else "FARGATE",
            "rolloutState": dep.rollout_state,
            "rolloutStateReason": dep.rollout_state_reason,
        }
        if service.platform_version:
            entry["platformVersion"] = service.platform_version
        if service.network_configuration:
            entry["networkConfiguration"] = service.network_configuration
        out.append(entry)
    return out


def sync(time: WorldTime, backend: EC2ContainerServiceBackend, service: Service) -> None:
    """Copy the scheduler's state onto moto's service, tasks and cluster counts."""
    rollout: ServiceRollout = service.__dict__[ROLLOUT]
    service.deployments = deployment_dicts(service, rollout)
    if rollout.primary is not None:
        service.task_definition = rollout.primary.task_definition
    running, pending = rollout.count(RUNNING), rollout.count("PENDING")
    service.running_count, service.pending_count = running, pending
    service.events = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{service.arn}#{i}")),
            "createdAt": at,
            "message": message,
        }
        for i, (at, message) in reversed(list(enumerate(rollout.events)))
    ][:100]
    cluster = backend._get_cluster(service.cluster_name)
    old_running, old_pending = service.__dict__[CONTRIB]
    cluster.running_tasks_count += running - old_running
    cluster.pending_tasks_count += pending - old_pending
    service.__dict__[CONTRIB] = (running, pending)
    mirrors: dict[str, Task] = service.__dict__[TASKS]
    for sim in rollout.tasks:
        task = mirrors.get(sim.id)
        if task is None:
            task = new_moto_task(backend, service, sim)
            mirrors[sim.id] = task
        copy_task(time, backend, sim, task)


def new_moto_task(backend: EC2ContainerServiceBackend, service: Service, sim: SimTask) -> Task:
    cluster = backend._get_cluster(service.cluster_name)
    """A moto task for a task the scheduler launched, filed under its cluster."""
    task = RolloutTask(
        cluster=cluster,
        task_definition=backend.describe_task_definition(sim.task_definition),
        container_instance_arn=None,
        resource_requirements=None,
        backend=backend,
        group=f"service:{service.name}",
        launch_type=service.launch_type or "",
        started_by=sim.deployment_id,
        networking_configuration=service.network_configuration or None,
        platform_version=service.platform_version,
    )
    task.id = sim.id
    task.created_at = sim.created_at
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def copy_task(
    time: WorldTime, backend: EC2ContainerServiceBackend, sim: SimTask, task: Task
) -> None:
    """Bring a moto task up to date with the scheduler's; a stopped task frees its ENI."""
    if task.status == STOPPED and getattr(task, "stopped_at", None) is not None:
        return  # already mirrored as stopped; stopped tasks never change again
    task.last_status = sim.last_status
    task.desired_status = sim.desired_status
    task.started_at = sim.started_at
    task.stopping_at = sim.stopping_at
    task.stopped_at = sim.stopped_at
    task.stop_code = sim.stop_code
    task.stopped_reason = sim.stopped_reason or ""
    clock = time.now()
    task.health_status = "HEALTHY" if sim.healthy(clock) else "UNKNOWN"
    if sim.last_status == STOPPED:
        for attachment in task.attachments:
            for detail in attachment.get("details", []):
                if detail["name"] == "networkInterfaceId":
                    ec2 = ec2_backends[backend.account_id][backend.region_name]
                    ec2.delete_network_interface(detail["value"])
            attachment["status"] = "DELETED"


def owner(backend: EC2ContainerServiceBackend, task_str: str) -> tuple[Service, str] | None:
    """The service (and task id) a task ARN or id belongs to, if the scheduler launched it."""
    task_id = task_str.split("/")[-1]
    for service in backend.services.values():
        if task_id in service.__dict__.get(TASKS, {}):
            return service, task_id
    return None
