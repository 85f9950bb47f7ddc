"""The least-privilege IAM policy a session of a runbook needs (`turnout policy`), derived from
the action catalogue the plan uses, so it cannot drift from what the session calls.

Every operation a step's action declares (`ActionSpec.operations`), every undo operation
(`undo_operations`), what each precondition and guardrail reads (`CHECKS`), what a metric
dimension naming a resource resolves with (`RESOURCE_REFS`), STS GetCallerIdentity and the
preflight's own reads (iam:SimulatePrincipalPolicy, cloudwatch:GetMetricData) become IAM actions.
Each action's resources are scoped to the target account and region and, where the service
supports resource-level permissions, to the named resource (`_SCOPES`); an action that only
works on `"*"` lands in a statement whose Sid says why (`_STAR_WHY`). Pure: no AWS is called.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tui.runbook.actions import CATALOGUE, CHECKS
from tui.runbook.actions.autoscaling import launches_above_desired
from tui.runbook.actions.checks import RESOURCE_REFS
from tui.runbook.model import Condition, Runbook

VERSION = "2012-10-17"

# boto3's client name -> IAM's service prefix, where they differ.
_PREFIX = {"elbv2": "elasticloadbalancing", "service-quotas": "servicequotas"}
# The calls every session makes whatever its steps: who am I (the identity check), and the
# preflight's permission check.
_ALWAYS = ("sts.GetCallerIdentity", "iam.SimulatePrincipalPolicy")
# The preflight's quota row for a refresh launching above desired (aws/preflight_quotas.py):
# the EC2 vCPU quota's value, what runs now, and each type's vCPUs.
_QUOTA_READS = (
    "service-quotas.GetServiceQuota",
    "ec2.DescribeInstances",
    "ec2.DescribeInstanceTypes",
)


def iam_action(operation: str) -> str:
    """`elbv2.ModifyListener` (the catalogue's spelling): `elasticloadbalancing:ModifyListener`."""
    client, name = operation.split(".", 1)
    return f"{_PREFIX.get(client, client)}:{name}"


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


@dataclass(frozen=True)
class _Where:
    """ARN parts for one target: partition, region, account."""

    partition: str
    region: str
    account: str

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        r = self.region if region else ""
        a = self.account if account else ""
        return f"arn:{self.partition}:{service}:{r}:{a}:{resource}"


_Scope = Callable[[_Where, Mapping[str, Any]], list[str]]


def _named(args: Mapping[str, Any], *names: str) -> str:
    for name in names:
        if args.get(name):
            return str(args[name])
    return "*"


def _listener(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # AWS lists listener/app and listener/net as ModifyListener's resource types, and a
    # policy linter wants both; a load balancer's name is unique in the region whatever its
    # type, so the `net` ARN grants nothing more.
    name = _named(a, "load_balancer")
    return [w.arn("elasticloadbalancing", f"listener/{kind}/{name}/*/*") for kind in ("app", "net")]


def _target_group(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("elasticloadbalancing", f"targetgroup/{_named(a, 'target_group')}/*")]


def _group(w: _Where, a: Mapping[str, Any]) -> list[str]:
    name = _named(a, "group")
    return [w.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")]


def _launch_template(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # A launch template's ARN carries its id (lt-...), never its name.
    return [w.arn("ec2", "launch-template/*")]


def _image(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # AMIs and snapshots have no owner account in their ARN; the instance's id is AWS's.
    return [
        w.arn("ec2", "image/*", account=False),
        w.arn("ec2", "snapshot/*", account=False),
        w.arn("ec2", "instance/*"),
    ]


def _tags(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("ec2", "image/*", account=False), w.arn("ec2", "snapshot/*", account=False)]


def _alarm(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("cloudwatch", f"alarm:{_named(a, 'name')}")]


def _db(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # Blue/Green's green instances are named by AWS (NAME-green-XXXXXX): any DB instance of
    # the account and region may be described.
    return [w.arn("rds", "db:*")]


def _snapshot(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("rds", f"snapshot:{_named(a, 'snapshot')}")]


def _db_and_snapshot(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("rds", f"db:{_named(a, 'instance')}"), *_snapshot(w, a)]


def _deployment(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # A Blue/Green deployment's ARN carries its id (bgd-...), never its name.
    return [w.arn("rds", "deployment:*")]


def _create_blue_green(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("rds", f"db:{_named(a, 'source')}"), *_deployment(w, a)]


def _service(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("ecs", f"service/{_named(a, 'cluster')}/{_named(a, 'service')}")]


def _zone(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # A hosted zone's ARN carries its id (Z...), never its name; zones are global.
    return [w.arn("route53", "hostedzone/*", region=False, account=False)]


def _change(w: _Where, a: Mapping[str, Any]) -> list[str]:
    return [w.arn("route53", "change/*", region=False, account=False)]


def _principal(w: _Where, a: Mapping[str, Any]) -> list[str]:
    # The preflight simulates the caller's own role or user, whose name the policy cannot know.
    return [
        w.arn("iam", "role/*", region=False),
        w.arn("iam", "user/*", region=False),
    ]


# IAM action -> its resources, for the actions whose service supports resource-level
# permissions (the Service Authorization Reference's "Resource types" column).
_SCOPES: dict[str, _Scope] = {
    "elasticloadbalancing:ModifyListener": _listener,
    "elasticloadbalancing:ModifyTargetGroupAttributes": _target_group,
    "autoscaling:StartInstanceRefresh": _group,
    "autoscaling:CancelInstanceRefresh": _group,
    "autoscaling:RollbackInstanceRefresh": _group,
    "autoscaling:UpdateAutoScalingGroup": _group,
    "ec2:CreateLaunchTemplateVersion": _launch_template,
    "ec2:ModifyLaunchTemplate": _launch_template,
    "ec2:CreateImage": _image,
    "ec2:CreateTags": _tags,
    "cloudwatch:PutMetricAlarm": _alarm,
    "cloudwatch:DeleteAlarms": _alarm,
    "cloudwatch:DescribeAlarms": _alarm,
    "rds:DescribeDBInstances": _db,
    "rds:CreateDBSnapshot": _db_and_snapshot,
    "rds:DescribeDBSnapshots": _snapshot,
    "rds:CreateBlueGreenDeployment": _create_blue_green,
    "rds:DescribeBlueGreenDeployments": _deployment,
    "rds:SwitchoverBlueGreenDeployment": _deployment,
    "rds:DeleteBlueGreenDeployment": _deployment,
    "ecs:UpdateService": _service,
    "ecs:DescribeServices": _service,
    "route53:ChangeResourceRecordSets": _zone,
    "route53:ListResourceRecordSets": _zone,
    "route53:GetChange": _change,
    "iam:SimulatePrincipalPolicy": _principal,
}

# Why an action gets "*": its Sid. Sids are letters and digits only.
_STAR_WHY = {
    "sts": "StsGetCallerIdentityTakesNoResource",
    "elasticloadbalancing": "ElbDescribeCallsSupportNoResourceLevelPermissions",
    "autoscaling": "AutoScalingDescribeCallsSupportNoResourceLevelPermissions",
    "ec2": "Ec2DescribeCallsSupportNoResourceLevelPermissions",
    "cloudwatch": "CloudWatchGetMetricDataSupportsNoResourceLevelPermissions",
    "ecs": "EcsDescribeTaskDefinitionSupportsNoResourceLevelPermissions",
    "route53": "Route53ListHostedZonesByNameSupportsNoResourceLevelPermissions",
    "rds": "RdsCallsWithoutResourceLevelPermissions",
    "servicequotas": "ServiceQuotasGetServiceQuotaSupportsNoResourceLevelPermissions",
}


def _conditions(conditions: Iterable[Condition]) -> Iterator[Condition]:
    for cond in conditions:
        yield cond
        yield from _conditions(getattr(cond, "conditions", ()) or ())


def _condition_operations(cond: Condition) -> list[str]:
    found = list(CHECKS[cond.kind].operations) if cond.kind in CHECKS else []
    metrics = (
        [cond.metric] if hasattr(cond, "metric") else list(getattr(cond, "metrics", {}).values())
    )
    for metric in metrics:
        for value in metric.dimensions.values():
            kind = getattr(value, "kind", None)
            found += RESOURCE_REFS.get(kind or "", ())
    return found


def operations(runbook: Runbook) -> dict[str, list[Mapping[str, Any]]]:
    """Every operation (`elbv2.ModifyListener`) a session of `runbook` may call, with the
    arguments of each step that calls it (for the resources it names)."""
    found: dict[str, list[Mapping[str, Any]]] = {op: [{}] for op in _ALWAYS}
    for step in (*runbook.order, *runbook.rollback):
        spec = CATALOGUE.get(step.action)
        if spec is not None:
            for op in (*spec.operations, *spec.undo_operations):
                found.setdefault(op, []).append(step.arguments)
        conditions = [*step.preconditions, *(g.condition for g in step.guardrails)]
        for cond in _conditions(conditions):
            for op in _condition_operations(cond):
                found.setdefault(op, []).append(_condition_args(cond))
        if launches_above_desired(step):
            for op in _QUOTA_READS:
                found.setdefault(op, []).append({})
    # (The preflight reads the guardrails' metrics with the GetMetricData they declare.)
    return found


def _condition_args(cond: Condition) -> Mapping[str, Any]:
    """A condition's resource names, spelled as the actions spell them."""
    if cond.kind == "db_instance_status":
        return {"instance": getattr(cond, "resource", "*")}
    if cond.kind == "healthy_targets":
        return {"target_group": getattr(cond, "target_group", "*")}
    return {}


def least_privilege(runbook: Runbook, *, lock_table: str | None = None) -> dict[str, Any]:
    """The IAM policy document (Version 2012-10-17) for every call a session of `runbook` can
    make: its statements grouped by resources, each with a Sid saying what it is for."""
    where = _Where(_partition(runbook.target.region), runbook.target.region, runbook.target.account)
    scoped: dict[tuple[str, ...], set[str]] = {}
    star: dict[str, set[str]] = {}
    for operation, uses in operations(runbook).items():
        action = iam_action(operation)
        scope = _SCOPES.get(action)
        if scope is None:
            star.setdefault(
                _STAR_WHY.get(action.split(":")[0], "NoResourceLevelPermissions"), set()
            )
            star[_STAR_WHY.get(action.split(":")[0], "NoResourceLevelPermissions")].add(action)
            continue
        resources = sorted({arn for args in uses for arn in scope(where, args)})
        scoped.setdefault(tuple(resources), set()).add(action)
    statements = [
        _statement(_scoped_sid(actions), actions, list(resources))
        for resources, actions in sorted(scoped.items(), key=lambda kv: sorted(kv[1]))
    ]
    statements += [_statement(sid, actions, ["*"]) for sid, actions in sorted(star.items())]
    if lock_table:
        table = where.arn("dynamodb", f"table/{lock_table}")
        actions = {f"dynamodb:{op}" for op in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")}
        statements.append(_statement("LeasesInTheLockTable", actions, [table]))
    return {"Version": VERSION, "Statement": _unique_sids(statements)}


def _statement(sid: str, actions: Iterable[str], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def _scoped_sid(actions: Iterable[str]) -> str:
    """`ElasticloadbalancingModifyListener`-style: what the statement's first action is for."""
    first = sorted(actions)[0]
    service, name = first.split(":")
    return f"{service.title().replace('-', '')}{name}"


def _unique_sids(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    for statement in statements:
        sid = statement["Sid"]
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:
            statement["Sid"] = f"{sid}{seen[sid]}"
    return statements


def policy_json(policy: Mapping[str, Any]) -> str:
    """The policy as `turnout policy` prints it (and `aws iam put-role-policy` reads it)."""
    return json.dumps(policy, indent=2) + "\n"


def policy_actions(policy: Mapping[str, Any]) -> list[str]:
    """Every action a policy document allows, in order."""
    found: list[str] = []
    for statement in policy.get("Statement", []):
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if action not in found:
                found.append(action)
    return found
