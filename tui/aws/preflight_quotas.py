"""The preflight's quota row: room under the account's EC2 vCPU quota for what a refresh adds.

An instance refresh whose MaxHealthyPercentage is over 100 launches new instances before it
terminates old ones: up to desired x (max - 100) % more than the group's desired capacity.
EC2 refuses a launch past the account's quota of vCPUs for running On-Demand instances of the
standard families ("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
L-1216C47A: "quotas are based on the number of virtual central processing units (vCPUs) that
your running On-Demand Instances are using", EC2 User Guide, On-Demand Instance quotas), and a
refresh that cannot launch stalls mid-window with old and new mixed. So before anything
changes, the row adds what runs now (running and pending On-Demand instances of those families,
at their default vCPUs) and what the refresh may add, against the quota's value from Service
Quotas. What cannot be read (a permission, a region without Service Quotas) is `not checked`,
with what to look at by hand; only a refresh that would not fit is `fail`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import FAIL, NOT_CHECKED, OK, CloudError, PreflightCheck
from tui.runbook.actions.autoscaling import launches_above_desired
from tui.runbook.model import Runbook, Step

SERVICE, QUOTA = "ec2", "L-1216C47A"
QUOTA_NAME = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
STANDARD_FAMILIES = frozenset("acdhimrtz")


def standard(instance_type: str) -> bool:
    """Whether L-1216C47A counts instances of this type (`t3.micro`: yes; `g5.xlarge`: no)."""
    return instance_type[:1].lower() in STANDARD_FAMILIES


def quota_rows(ctx: AwsContext, runbook: Runbook) -> list[PreflightCheck]:
    """One row per refresh that launches above desired; none for a runbook without one."""
    steps = [step for step in runbook.order if launches_above_desired(step)]
    if not steps:
        return []
    try:
        quota = _quota_value(ctx)
        running = _running(ctx)
    except CloudError as exc:
        return [_unread(step, exc) for step in steps]
    rows = []
    for step in steps:
        try:
            rows.append(_row(ctx, step, quota, running))
        except CloudError as exc:
            rows.append(_unread(step, exc))
    return rows


def _row(ctx: AwsContext, step: Step, quota: float, running: dict[str, int]) -> PreflightCheck:
    high = int(step.arguments.get("max_healthy_percentage") or 100)
    name = str(step.arguments.get("group"))
    group = ctx.resolve.auto_scaling_group(name)
    desired = int(group.get("DesiredCapacity") or 0)
    extra = -(-desired * (high - 100) // 100)
    kinds = {
        str(i.get("InstanceType")) for i in group.get("Instances") or [] if i.get("InstanceType")
    }
    counted = sorted(kind for kind in kinds if standard(kind))
    label = f"quota: running instances ({step.id})"
    if not counted:
        return PreflightCheck(
            label,
            NOT_CHECKED,
            f"{name} runs {', '.join(sorted(kinds)) or 'no instances'}: not a type {QUOTA} counts",
            f"check the EC2 quota for its instance family has room for {extra} more",
        )
    sizes = _vcpus(ctx, [*counted, *running])
    per = max(sizes[kind] for kind in counted)
    now = sum(sizes[kind] * count for kind, count in running.items())
    need = extra * per
    detail = (
        f"{now} vCPUs of On-Demand standard instances run now; the refresh of {name} may add "
        f"{extra} instance(s) above its desired {desired} ({need} vCPUs, MaxHealthyPercentage "
        f"{high}); the quota {QUOTA} is {quota:g} vCPUs"
    )
    if now + need <= quota:
        return PreflightCheck(label, OK, detail)
    short = now + need - quota
    return PreflightCheck(
        label,
        FAIL,
        detail,
        f"ask for {QUOTA} ({QUOTA_NAME}) to be raised by at least {short:g} vCPUs (Service "
        "Quotas console), or set max_healthy_percentage to 100 so the refresh terminates "
        "before it launches",
    )


def _unread(step: Step, exc: CloudError) -> PreflightCheck:
    return PreflightCheck(
        f"quota: running instances ({step.id})",
        NOT_CHECKED,
        f"could not read the quota or what runs: {exc}",
        f"check the EC2 quota '{QUOTA_NAME}' ({QUOTA}, in vCPUs) has room for what the refresh "
        "adds above desired (Service Quotas console)",
    )


def _quota_value(ctx: AwsContext) -> float:
    client = ctx.clients.client("service-quotas")
    answer = call(client, "get_service_quota", QUOTA, ServiceCode=SERVICE, QuotaCode=QUOTA)
    return float(answer["Quota"]["Value"])


def _running(ctx: AwsContext) -> dict[str, int]:
    """Running and pending On-Demand instances of the standard families, by type."""
    client = ctx.clients.client("ec2")
    found: dict[str, int] = {}
    token: str | None = None
    filters = [{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    while True:
        more = {"NextToken": token} if token else {}
        page = call(client, "describe_instances", "running instances", Filters=filters, **more)
        for reservation in page.get("Reservations") or []:
            for instance in reservation.get("Instances") or []:
                kind = str(instance.get("InstanceType") or "")
                if instance.get("InstanceLifecycle") == "spot" or not standard(kind):
                    continue
                found[kind] = found.get(kind, 0) + 1
        token = page.get("NextToken")
        if not token:
            return found


def _vcpus(ctx: AwsContext, kinds: Iterable[str]) -> dict[str, int]:
    """Each instance type's default vCPUs, as EC2 describes it."""
    wanted = sorted(set(kinds))
    client = ctx.clients.client("ec2")
    answer: dict[str, Any] = call(
        client, "describe_instance_types", ", ".join(wanted), InstanceTypes=wanted
    )
    return {
        t["InstanceType"]: int(t.get("VCpuInfo", {}).get("DefaultVCpus") or 1)
        for t in answer.get("InstanceTypes") or []
    }
