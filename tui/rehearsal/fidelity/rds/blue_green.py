"""RDS Blue/Green deployments that take time, honour SwitchoverTimeout and their guardrails.

moto 5.2.5 makes a Blue/Green deployment AVAILABLE at once and switches it over instantly,
ignoring SwitchoverTimeout. Here, as the Amazon RDS User Guide documents:

- creation is PROVISIONING while its Tasks run one after another (CREATING_READ_REPLICA_OF_SOURCE,
  DB_ENGINE_VERSION_UPGRADE when a TargetEngineVersion is given, CONFIGURE_BACKUPS), each PENDING
  then IN_PROGRESS then COMPLETED; the green instance is `creating` until the deployment is
  AVAILABLE;
- SwitchoverTimeout must be 30-3600 s (default 300), otherwise InvalidParameterValue;
- the switchover guardrails refuse a switchover (InvalidBlueGreenDeploymentStateFault) while the
  green primary's replica lag is beyond what the timeout allows, or the blue primary has a
  long-running write or DDL statement;
- a switchover is SWITCHOVER_IN_PROGRESS for its duration (a base time, plus the replica lag to
  catch up, plus any delay the world adds); if that outlasts the timeout the changes are rolled
  back: the deployment is AVAILABLE again, nothing renamed, StatusDetails says why; otherwise it
  is SWITCHOVER_COMPLETED with moto's renames (blue -> `<name>-old1`, green -> `<name>`);
- a deployment cannot be deleted while it is switching over.

World knobs, each given the world's `WorldTime` first: `set_replica_lag(time, db, seconds)`,
`set_long_running_write(time, db, active, kind=)`, `set_switchover_delay(time, deployment,
seconds)`, `set_timings(time, ...)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.rds.exceptions import InvalidParameterValue, RDSClientError
from moto.rds.models import (
    BlueGreenDeployment,
    BlueGreenDeploymentTask,
    DBInstance,
    RDSBackend,
    rds_backends,
)

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
MIN_TIMEOUT, MAX_TIMEOUT, DEFAULT_TIMEOUT = 30, 3600, 300
_STATE = "_turnout_bg"
_TIMINGS = "_turnout_bg_timings"
_BUSY = "_turnout_bg_busy"
_LAG = "_turnout_replica_lag"
_WRITES = "_turnout_long_running"


@dataclass
class Timings:
    """How long Blue/Green work takes in this world (seconds)."""

    replica_seconds: float = 600.0  # CREATING_READ_REPLICA_OF_SOURCE
    upgrade_seconds: float = 600.0  # DB_ENGINE_VERSION_UPGRADE
    backups_seconds: float = 120.0  # CONFIGURE_BACKUPS
    switchover_seconds: float = 45.0  # "typically under a minute"


@dataclass
class _Switchover:
    started_at: datetime
    timeout: int
    duration: float


@dataclass
class _Timeline:
    created_at: datetime
    plan: list[tuple[str, float]]
    green: DBInstance | None
    extra_switchover_seconds: float = 0.0
    switchover: _Switchover | None = None


class InvalidBlueGreenDeploymentState(RDSClientError):
    """InvalidBlueGreenDeploymentStateFault with a message that says what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidBlueGreenDeploymentStateFault", message)


# -- world knobs ------------------------------------------------------------------------------


def _backend(region: str, account_id: str) -> RDSBackend:
    return rds_backends[account_id][region]


def set_replica_lag(
    time: WorldTime,
    db_identifier: str,
    seconds: float,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
) -> None:
    """Make the (green) DB instance lag its source by `seconds`; 0 means caught up."""
    with time.lock:
        db = _backend(region, account_id).describe_db_instances(db_identifier)[0]
        db.__dict__[_LAG] = float(seconds)


def set_long_running_write(
    time: WorldTime,
    db_identifier: str,
    active: bool,
    kind: str = "write",
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
) -> None:
    """Start or end a long-running write (`kind="write"`) or DDL statement (`"ddl"`) on a DB."""
    if kind not in ("write", "ddl"):
        raise ValueError("kind must be 'write' or 'ddl'")
    with time.lock:
        db = _backend(region, account_id).describe_db_instances(db_identifier)[0]
        kinds: set[str] = db.__dict__.setdefault(_WRITES, set())
        if active:
            kinds.add(kind)
        else:
            kinds.discard(kind)


def set_switchover_delay(
    time: WorldTime,
    deployment: str,
    seconds: float,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
) -> None:
    """Make switchovers of this deployment (name or id) take `seconds` longer than usual."""
    with time.lock:
        bg = _find(_backend(region, account_id), deployment)
        _timeline(bg).extra_switchover_seconds = float(seconds)


def set_timings(
    time: WorldTime,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT,
    **seconds: float,
) -> None:
    """Change how long provisioning tasks and switchovers take (fields of `Timings`)."""
    with time.lock:
        timings = _timings(_backend(region, account_id))
        for name, value in seconds.items():
            if not hasattr(timings, name):
                raise TypeError(f"unknown timing {name!r}")
            setattr(timings, name, float(value))


# -- state ------------------------------------------------------------------------------------


def _timings(backend: RDSBackend) -> Timings:
    return backend.__dict__.setdefault(_TIMINGS, Timings())


def _timeline(bg: BlueGreenDeployment) -> _Timeline:
    return bg.__dict__[_STATE]


def _find(backend: RDSBackend, name_or_id: str) -> BlueGreenDeployment:
    for bg in backend.blue_green_deployments.values():
        if name_or_id in (bg.blue_green_deployment_identifier, bg.blue_green_deployment_name):
            return bg
    raise ValueError(f"no blue/green deployment named {name_or_id!r}")


def _instance(backend: RDSBackend, arn: str) -> DBInstance | None:
    try:
        found = backend.find_db_from_id(arn)
    except RDSClientError:
        return None  # a cluster, or deleted: guardrails on instances only
    return found if isinstance(found, DBInstance) else None


def _advance(backend: RDSBackend, bg: BlueGreenDeployment, now: datetime) -> None:
    line: _Timeline | None = bg.__dict__.get(_STATE)
    if line is None:
        return
    if bg.status == "PROVISIONING":
        ends = line.created_at
        tasks = []
        for name, seconds in line.plan:
            starts, ends = ends, ends + timedelta(seconds=seconds)
            status = "COMPLETED" if now >= ends else "IN_PROGRESS" if now >= starts else "PENDING"
            tasks.append(BlueGreenDeploymentTask(name, status))
        bg.tasks = tasks
        if all(t.Status == "COMPLETED" for t in tasks):
            bg.set_status(BlueGreenDeployment.SupportedStates.AVAILABLE)
            if line.green is not None:
                line.green.status = "available"
    elif bg.status == "SWITCHOVER_IN_PROGRESS" and line.switchover is not None:
        run = line.switchover
        if run.duration <= run.timeout:
            if now >= run.started_at + timedelta(seconds=run.duration):
                bg.switchover()  # moto's renames: blue -> -old1, green takes blue's name
                line.switchover = None
        elif now >= run.started_at + timedelta(seconds=run.timeout):
            bg.set_status(BlueGreenDeployment.SupportedStates.AVAILABLE)
            bg.status_details = (
                f"Switchover rolled back: it did not complete within the switchover timeout "
                f"of {run.timeout} seconds. No changes were made to either environment."
            )
            line.switchover = None


def _catch_up(backend: RDSBackend, now: datetime) -> None:
    # The switchover's renames call describe_db_instances, which is itself caught up: skip.
    if backend.__dict__.get(_BUSY):
        return
    backend.__dict__[_BUSY] = True
    try:
        for bg in list(backend.blue_green_deployments.values()):
            _advance(backend, bg, now)
    finally:
        backend.__dict__[_BUSY] = False


def _guardrail_failures(backend: RDSBackend, bg: BlueGreenDeployment, timeout: int) -> list[str]:
    failures = []
    green = _instance(backend, bg.target)
    if green is not None:
        lag = green.__dict__.get(_LAG, 0.0)
        if lag >= timeout:
            failures.append(
                f"replica lag on {green.db_instance_identifier} ({lag:g} s) is more than the "
                f"switchover timeout ({timeout} s) allows"
            )
    blue = _instance(backend, bg.source)
    if blue is not None:
        for kind in sorted(blue.__dict__.get(_WRITES, set())):
            what = "DDL statement" if kind == "ddl" else "write"
            failures.append(f"a long-running {what} is active on {blue.db_instance_identifier}")
    return failures


# -- patched backend methods --------------------------------------------------------------------


def _create(time: WorldTime, self: RDSBackend, bg_kwargs: dict[str, Any]) -> BlueGreenDeployment:
    patching.original(RDSBackend, "create_blue_green_deployment")(self, bg_kwargs)
    bg = _find(self, bg_kwargs.get("blue_green_deployment_name", ""))
    timings = _timings(self)
    plan = [("CREATING_READ_REPLICA_OF_SOURCE", timings.replica_seconds)]
    if bg_kwargs.get("target_engine_version"):
        plan.append(("DB_ENGINE_VERSION_UPGRADE", timings.upgrade_seconds))
    plan.append(("CONFIGURE_BACKUPS", timings.backups_seconds))
    green = _instance(self, bg.target)
    if green is not None:
        green.status = "creating"
    now = time.now()
    bg.create_time = now
    bg.__dict__[_STATE] = _Timeline(created_at=now, plan=plan, green=green)
    bg.set_status(BlueGreenDeployment.SupportedStates.PROVISIONING)
    _advance(self, bg, now)
    return bg


def _switchover(
    time: WorldTime,
    self: RDSBackend,
    blue_green_deployment_identifier: str,
    switchover_timeout: int | None = None,
) -> BlueGreenDeployment:
    timeout = DEFAULT_TIMEOUT if switchover_timeout is None else int(switchover_timeout)
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise InvalidParameterValue(
            f"SwitchoverTimeout must be between {MIN_TIMEOUT} and {MAX_TIMEOUT} seconds; "
            f"got {timeout}."
        )
    bg = self.describe_blue_green_deployments(blue_green_deployment_identifier)[0]
    line: _Timeline | None = bg.__dict__.get(_STATE)
    if line is None:
        return patching.original(RDSBackend, "switchover_blue_green_deployment")(
            self, blue_green_deployment_identifier, timeout
        )
    if bg.status != "AVAILABLE":
        raise InvalidBlueGreenDeploymentState(
            f"The blue/green deployment {blue_green_deployment_identifier} can't be switched "
            f"over because its status is {bg.status}, not AVAILABLE."
        )
    failures = _guardrail_failures(self, bg, timeout)
    if failures:
        raise InvalidBlueGreenDeploymentState(
            f"Switchover of blue/green deployment {blue_green_deployment_identifier} was "
            f"refused by its guardrails: {'; '.join(failures)}."
        )
    green = _instance(self, bg.target)
    lag = green.__dict__.get(_LAG, 0.0) if green is not None else 0.0
    duration = _timings(self).switchover_seconds + lag + line.extra_switchover_seconds
    line.switchover = _Switchover(started_at=time.now(), timeout=timeout, duration=duration)
    bg.set_status(BlueGreenDeployment.SupportedStates.SWITCHOVER_IN_PROGRESS)
    bg.status_details = None
    return bg


def _delete(self: RDSBackend, blue_green_deployment_identifier: str, delete_target: bool = False):
    found = self.describe_blue_green_deployments(blue_green_deployment_identifier)
    if found and found[0].status == "SWITCHOVER_IN_PROGRESS":
        raise InvalidBlueGreenDeploymentState(
            f"The blue/green deployment {blue_green_deployment_identifier} can't be deleted "
            "while it is switching over."
        )
    return patching.original(RDSBackend, "delete_blue_green_deployment")(
        self, blue_green_deployment_identifier, delete_target
    )


def _caught_up(time: WorldTime, method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a backend method: catch the world up to now, under the world's lock, then run it."""

    @functools.wraps(method)
    def wrapper(self: RDSBackend, *args: Any, **kwargs: Any) -> Any:
        with time.lock:
            _catch_up(self, time.now())
            return method(self, *args, **kwargs)

    return wrapper


def install(time: WorldTime) -> None:
    """Patch moto's RDS backend."""
    ours = {
        "create_blue_green_deployment": time.bound(_create),
        "switchover_blue_green_deployment": time.bound(_switchover),
        "delete_blue_green_deployment": _delete,
    }
    for name, replacement in ours.items():
        patching.patch(RDSBackend, name, _caught_up(time, replacement))
    for name in ("describe_blue_green_deployments", "describe_db_instances"):
        patching.wrap(RDSBackend, name, functools.partial(_caught_up, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Advance every Blue/Green deployment in every account and region to `now`."""
    for account in list(rds_backends.values()):
        for backend in list(account.values()):
            _catch_up(backend, now)
