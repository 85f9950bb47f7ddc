"""The preflight's "exists" rows: each resource a runbook's steps name, looked up through the
session's Resolver (tui/aws/resolve/), and the ARN of each one found, so the permissions check
simulates the policy over the real resources (tui/aws/preflight.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tui.aws.context import AwsContext
from tui.aws.protocol import FAIL, OK, WARN, CloudError, Identity, PreflightCheck
from tui.runbook.model import Runbook, Step

# What each action names that must exist before the session starts, as Resolver look-ups.
_Lookup = Callable[[Any, dict[str, Any]], Iterator[tuple[str, Callable[[], Any]]]]


def _elbv2(r: Any, a: dict[str, Any]) -> Iterator[tuple[str, Callable[[], Any]]]:
    if a.get("load_balancer"):
        lb, port = a["load_balancer"], int(a.get("port") or 80)
        yield f"listener {lb}:{port}", lambda: r.listener_arn(lb, port)
    for key in ("from", "to", "target_group"):
        if a.get(key):
            name = a[key]
            yield f"target group {name}", lambda name=name: r.target_group_arn(name)
    for name in a.get("weights") or {}:
        if a.get("load_balancer"):
            yield f"target group {name}", lambda name=name: r.target_group_arn(name)


def _group(r: Any, a: dict[str, Any]) -> Iterator[tuple[str, Callable[[], Any]]]:
    for key in ("group", "from_group"):
        if a.get(key):
            name = a[key]
            yield f"Auto Scaling group {name}", lambda name=name: r.auto_scaling_group(name)
    if a.get("launch_template"):
        name = a["launch_template"]
        yield f"launch template {name}", lambda: r.launch_template(name)


_RESOURCES: dict[str, _Lookup] = {
    "elbv2.set_weights": _elbv2,
    "elbv2.shift_weights": _elbv2,
    "elbv2.set_deregistration_delay": _elbv2,
    "elbv2.wait_drained": _elbv2,
    "autoscaling.instance_refresh": _group,
    "autoscaling.update_group": _group,
    "launch_template.create_version": lambda r, a: iter(
        [(f"launch template {a['template']}", lambda: r.launch_template(a["template"]))]
    ),
    "ec2.create_image": lambda r, a: (
        iter([(f"instance {a['instance']}", lambda: r.instance(a["instance"]))])
        if a.get("instance")
        else _group(r, a)
    ),
    "ecs.update_service": lambda r, a: iter(
        [
            (
                f"ECS service {a['cluster']}/{a['service']}",
                lambda: r.ecs_service(a["cluster"], a["service"]),
            ),
            (
                f"task definition {a['task_definition']}",
                lambda: r.task_definition_arn(a["task_definition"]),
            ),
        ]
    ),
    "rds.create_snapshot": lambda r, a: iter(
        [(f"DB instance {a['instance']}", lambda: r.db_instance(a["instance"]))]
    ),
    "rds.create_blue_green": lambda r, a: iter(
        [(f"DB instance {a['source']}", lambda: r.db_instance(a["source"]))]
    ),
    "rds.switchover_blue_green": lambda r, a: iter(
        [(f"Blue/Green deployment {a['deployment']}", lambda: r.blue_green(a["deployment"]))]
    ),
    "route53.set_weights": lambda r, a: iter(
        [(f"hosted zone {a['zone']}", lambda: r.hosted_zone(a["zone"]))]
    ),
}
# Actions that create what a later step names: that name is not looked for before the start.
_CREATES = {"rds.create_blue_green": "name"}


def _arn(found: Any, identity: Identity, region: str) -> str | None:
    """The ARN of what a look-up returned (a Resolver answer), when it has one."""
    partition = identity.arn.split(":")[1] if identity.arn.count(":") >= 5 else "aws"
    if isinstance(found, str):
        if found.startswith("arn:"):
            return found
        if found.startswith("Z"):  # a hosted zone's id
            return f"arn:{partition}:route53:::hostedzone/{found}"
        return None
    if not isinstance(found, dict):
        return None
    for key in ("AutoScalingGroupARN", "DBInstanceArn", "serviceArn"):
        if found.get(key):
            return str(found[key])
    if found.get("LaunchTemplateId"):
        lt = found["LaunchTemplateId"]
        return f"arn:{partition}:ec2:{region}:{identity.account}:launch-template/{lt}"
    if found.get("BlueGreenDeploymentIdentifier"):
        bgd = found["BlueGreenDeploymentIdentifier"]
        return f"arn:{partition}:rds:{region}:{identity.account}:deployment:{bgd}"
    return None


def resources_named(
    ctx: AwsContext, runbook: Runbook, identity: Identity
) -> tuple[list[PreflightCheck], list[str]]:
    """The rows, and the ARNs of what was found."""
    created: set[str] = set()
    rows: list[PreflightCheck] = []
    arns: list[str] = []
    seen: set[str] = set()
    for step in (*runbook.order, *runbook.rollback):
        for label, look_up in _RESOURCES.get(step.action, lambda r, a: iter(()))(
            ctx.resolve, step.arguments
        ):
            if label in seen or label.split(" ")[-1] in created:
                continue
            seen.add(label)
            row, found = _exists(label, look_up, step)
            rows.append(row)
            arn = _arn(found, identity, runbook.target.region)
            if arn:
                arns.append(arn)
        if step.action in _CREATES:
            created.add(str(step.arguments[_CREATES[step.action]]))
    return rows, arns


def _exists(label: str, look_up: Callable[[], Any], step: Step) -> tuple[PreflightCheck, Any]:
    try:
        found = look_up()
    except CloudError as exc:
        if exc.blocked == "permission":
            looked = f"could not look: {exc}"
            return PreflightCheck(f"exists: {label}", WARN, looked, "see permissions"), None
        todo = f"create it, or fix step {step.id}'s `with:`"
        return PreflightCheck(f"exists: {label}", FAIL, str(exc), todo), None
    return PreflightCheck(f"exists: {label}", OK, f"named by step {step.id}"), found
