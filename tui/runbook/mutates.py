"""What a runbook changes in AWS: the resources its steps (forward and rollback) mutate, by name.

A session leases each of these before its first change (docs/engine.md, "One operator per
target"), so the identity of a resource must be the same whichever runbook names it: two
runbooks shifting the weights of listener `web-alb:80` both say `elbv2/listener/web-alb:80`.
Names, not ARNs: every action names its resource and an ARN would need AWS to resolve; within
one account and region (the lease key's prefix) a name is as unique as the ARN it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.runbook.model import Risk, Runbook

_Args = Mapping[str, Any]


def _name(value: Any) -> str:
    return str(value).strip()


def _dns(value: Any) -> str:
    # Route 53 names are case-insensitive and may be written with or without the final dot.
    return _name(value).lower().rstrip(".")


def _listener(a: _Args) -> list[str]:
    return [f"elbv2/listener/{_name(a['load_balancer'])}:{int(a.get('port') or 80)}"]


def _group(a: _Args) -> list[str]:
    return [f"autoscaling/group/{_name(a['group'])}"]


def _blue_green(a: _Args) -> list[str]:
    return [f"rds/blue-green/{_name(a['name'])}", f"rds/db/{_name(a['source'])}"]


def _image(a: _Args) -> list[str]:
    source = a.get("instance") or a.get("from_group")
    # Imaging reboots the source unless no_reboot: the source is leased with the new image.
    what = "ec2/instance" if a.get("instance") else "autoscaling/group"
    return [f"ec2/image/{_name(a['name'])}"] + ([f"{what}/{_name(source)}"] if source else [])


_RESOURCES: dict[str, Callable[[_Args], list[str]]] = {
    "elbv2.set_weights": _listener,
    "elbv2.shift_weights": _listener,
    "elbv2.set_deregistration_delay": lambda a: [f"elbv2/target-group/{_name(a['target_group'])}"],
    "autoscaling.instance_refresh": _group,
    "autoscaling.update_group": _group,
    "launch_template.create_version": lambda a: [f"ec2/launch-template/{_name(a['template'])}"],
    "cloudwatch.put_alarm": lambda a: [f"cloudwatch/alarm/{_name(a['name'])}"],
    "ec2.create_image": _image,
    "ecs.update_service": lambda a: [f"ecs/service/{_name(a['cluster'])}/{_name(a['service'])}"],
    "rds.create_snapshot": lambda a: [f"rds/snapshot/{_name(a['snapshot'])}"],
    "rds.create_blue_green": _blue_green,
    "rds.switchover_blue_green": lambda a: [f"rds/blue-green/{_name(a['deployment'])}"],
    "route53.set_weights": lambda a: [f"route53/record/{_dns(a['zone'])}/{_dns(a['record'])}"],
}
MUTATING_ACTIONS = frozenset(_RESOURCES)
"""Every action that changes AWS (tests check the catalogue's mutating actions are all here)."""


@dataclass(frozen=True)
class MutatedResource:
    """A resource the runbook changes (`elbv2/listener/web-alb:80`) and the steps that do."""

    resource: str
    steps: tuple[str, ...]


def mutated_resources(runbook: Runbook) -> list[MutatedResource]:
    """Every resource a step of `runbook` (its rollback steps included) changes, sorted."""
    steps: dict[str, list[str]] = {}
    for step in (*runbook.order, *runbook.rollback):
        describe = _RESOURCES.get(step.action)
        if describe is None:
            if step.risk is not Risk.READ_ONLY and step.action not in ("manual", "wait"):
                # A mutating action nobody taught this table: lease it by step, never silently.
                steps.setdefault(f"{step.action}/{runbook.name}/{step.id}", []).append(step.id)
            continue
        for resource in describe(step.arguments):
            steps.setdefault(resource, []).append(step.id)
    return [MutatedResource(name, tuple(ids)) for name, ids in sorted(steps.items())]
