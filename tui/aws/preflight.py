"""`turnout preflight`, and the same checks at the start of every session: before the checklist
and before any change, is this identity able to do the whole runbook, here, now?

- identity: STS says the target account and region (the engine refuses a mismatch too);
- permissions: iam:SimulatePrincipalPolicy of the caller's role or user for every statement of
  the runbook's least-privilege policy (tui/runbook/policy.py), over the statement's resources;
  each action not `allowed` is named, with the statement to add;
- resources: each resource the runbook names exists (those a step creates are left out);
- metrics: each guardrail's metric has datapoints in the last 15 minutes (a guardrail that
  reads nothing watches nothing);
- credentials: they outlive the maintenance window, or the row says when they expire;
- quotas: room under the EC2 vCPU quota for what a refresh above desired launches
  (tui/aws/preflight_quotas.py).

Only `fail` rows refuse (exit 5); `warn` and `not checked` rows are shown and recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from fnmatch import fnmatchcase
from typing import Any

from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.metrics import fetch_series
from tui.aws.preflight_quotas import quota_rows
from tui.aws.preflight_resources import resources_named
from tui.aws.protocol import FAIL, NOT_CHECKED, OK, WARN, CloudError, Identity, PreflightCheck
from tui.runbook.model import Runbook
from tui.runbook.policy import least_privilege

METRIC_WINDOW = 900  # seconds of history a guardrail's metric must have datapoints in


def principal_arn(identity: Identity) -> str | None:
    """The IAM user or role whose policies the caller has: an assumed-role session
    (`arn:aws:sts::A:assumed-role/R/S`) is role R's (`arn:aws:iam::A:role/R`); None for the
    root user or a federated user, which IAM cannot simulate."""
    parts = identity.arn.split(":", 5)
    if len(parts) < 6:
        return None
    partition, service, account, resource = parts[1], parts[2], parts[4], parts[5]
    if service == "iam" and resource.startswith(("user/", "role/")):
        return identity.arn
    if service == "sts" and resource.startswith("assumed-role/"):
        return f"arn:{partition}:iam::{account}:role/{resource.split('/')[1]}"
    return None


def run_preflight(
    ctx: AwsContext, runbook: Runbook, identity: Identity, policy: dict[str, Any] | None = None
) -> list[PreflightCheck]:
    """Every check, in the order the table shows them."""
    policy = policy or least_privilege(runbook)
    found, arns = resources_named(ctx, runbook, identity)
    rows = [_identity(runbook, identity)]
    rows += _permissions(ctx, identity, policy, arns)
    rows += found
    rows += _metrics(ctx, runbook)
    rows.append(_credentials(ctx, runbook))
    rows += quota_rows(ctx, runbook)
    return rows


def _identity(runbook: Runbook, identity: Identity) -> PreflightCheck:
    target = runbook.target
    if (identity.account, identity.region) == (target.account, target.region):
        return PreflightCheck("identity", OK, f"{identity.arn} in {identity.region}")
    return PreflightCheck(
        "identity",
        FAIL,
        f"{identity.arn} is account {identity.account} in {identity.region}; the runbook "
        f"targets {target.account} in {target.region}",
        "use credentials for the target account (--profile) and --region, or fix `target:`",
    )


def _permissions(
    ctx: AwsContext, identity: Identity, policy: dict[str, Any], arns: Iterable[str] = ()
) -> list[PreflightCheck]:
    principal = principal_arn(identity)
    if principal is None:
        return [
            PreflightCheck(
                "permissions",
                NOT_CHECKED,
                f"{identity.arn} is not an IAM user or role: IAM cannot simulate it",
                "run as the role the window uses (docs/real-aws.md)",
            )
        ]
    # One simulation of every action over every resource the policy names; an action is
    # allowed when each resource of its own statement allows it (ResourceSpecificResults).
    # Each statement is simulated over the real ARNs of the resources it covers that the
    # preflight found (the listener, the group, ...), else over its own pattern.
    known = sorted(set(arns))
    over = [_concrete(s["Resource"], known) for s in policy["Statement"]]
    resources = sorted({arn for each in over for arn in each})
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    params: dict[str, Any] = {
        "PolicySourceArn": principal,
        "ActionNames": list(dict.fromkeys(actions)),
        "ResourceArns": resources,
    }
    try:
        results = _simulate(ctx.clients.client("iam"), principal, params)
    except CloudError as exc:
        if exc.blocked == "permission":
            return [_cannot_simulate(policy, exc)]
        # NoSuchEntity: a role with a path (IAM Identity Center's are under
        # /aws-reserved/sso.amazonaws.com/), which the session's ARN does not show.
        return [
            PreflightCheck(
                "permissions",
                NOT_CHECKED,
                f"IAM could not simulate {principal}: {exc}",
                "check the role's policy against `turnout policy` by hand, or run as a role "
                "without a path",
            )
        ]
    decided: dict[tuple[str, str], str] = {}
    for result in results:
        for each in result.get("ResourceSpecificResults") or [
            {"EvalResourceName": "*", "EvalResourceDecision": result["EvalDecision"]}
        ]:
            key = (result["EvalActionName"], each["EvalResourceName"])
            decided[key] = each["EvalResourceDecision"]
    missing: list[tuple[str, dict[str, Any]]] = []
    for statement, covered in zip(policy["Statement"], over, strict=True):
        for action in statement["Action"]:
            if any(decided.get((action, arn)) != "allowed" for arn in covered):
                missing.append((action, statement))
    if not missing:
        count = sum(len(s["Action"]) for s in policy["Statement"])
        return [PreflightCheck("permissions", OK, f"all {count} actions allowed to {principal}")]
    return [
        PreflightCheck(
            "permissions",
            FAIL,
            f"{action} is not allowed to {principal}",
            f"add to its policy: {json.dumps(_only(statement, action))}",
            missing=(action,),
        )
        for action, statement in missing
    ]


def _concrete(patterns: list[str], known: list[str]) -> list[str]:
    """`patterns`, each replaced by the known ARNs it matches (IAM's `*` and `?`)."""
    out: list[str] = []
    for pattern in patterns:
        matches = [arn for arn in known if pattern != "*" and fnmatchcase(arn, pattern)]
        out += matches or [pattern]
    return list(dict.fromkeys(out))


def _simulate(iam: Any, principal: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    while True:
        page = call(iam, "simulate_principal_policy", principal, **params)
        results += page["EvaluationResults"]
        if not page.get("IsTruncated"):
            return results
        params["Marker"] = page["Marker"]


def _only(statement: dict[str, Any], action: str) -> dict[str, Any]:
    return {**statement, "Action": [action]}


def _cannot_simulate(policy: dict[str, Any], exc: CloudError) -> PreflightCheck:
    action = "iam:SimulatePrincipalPolicy"
    statement = next((s for s in policy["Statement"] if action in s["Action"]), {})
    return PreflightCheck(
        "permissions",
        FAIL,
        f"{action} is not allowed, so no permission could be checked: {exc}",
        f"add to its policy: {json.dumps(_only(statement, action))}",
        missing=(action,),
    )


def _metrics(ctx: AwsContext, runbook: Runbook) -> list[PreflightCheck]:
    from tui.aws.protocol import SeriesRequest

    requests: dict[str, tuple[SeriesRequest, str]] = {}
    for step in (*runbook.order, *runbook.rollback):
        for guardrail in step.guardrails:
            cond = guardrail.condition
            metrics = (
                [cond.metric]
                if hasattr(cond, "metric")
                else list(getattr(cond, "metrics", {}).values())
            )
            for metric in metrics:
                key = f"{metric.namespace}/{metric.name} {metric.stat} {metric.dimensions}"
                if key not in requests:
                    request = SeriesRequest(
                        key=key,
                        metrics={"m": metric},
                        period=int(metric.period),
                        window=max(METRIC_WINDOW, 3 * int(metric.period)),
                    )
                    requests[key] = (request, f"{guardrail.name} ({step.id})")
    if not requests:
        return []
    series = fetch_series(
        ctx.clients.client("cloudwatch"),
        ctx.resolve,
        [r for r, _ in requests.values()],
        ctx.clock.now(),
    )
    rows = []
    for key, (request, label) in requests.items():
        found = series.get(key)
        metric = request.metrics["m"]
        name = f"metric: {metric.name} for {label}"
        if found is None or found.error:
            error = found.error if found else "not read"
            rows.append(
                PreflightCheck(name, WARN, f"could not read it: {error}", "check the dimensions")
            )
        elif not found.points:
            rows.append(
                PreflightCheck(
                    name,
                    WARN,
                    f"no datapoints in the last {request.window // 60} min",
                    "a guardrail that reads nothing watches nothing: check namespace, name and "
                    "dimensions (a target group with no traffic yet publishes no request metrics)",
                )
            )
        else:
            rows.append(
                PreflightCheck(name, OK, f"{len(found.points)} datapoints, latest {found.latest:g}")
            )
    return rows


def _credentials(ctx: AwsContext, runbook: Runbook) -> PreflightCheck:
    expires = ctx.clients.credentials_expire()
    now = ctx.clock.now()
    window = timedelta(seconds=int(runbook.window or 0))
    if expires is None:
        return PreflightCheck("credentials", OK, "no expiry known (long-lived keys, or not told)")
    if expires.tzinfo is None:
        from datetime import UTC

        expires = expires.replace(tzinfo=UTC)
    left = expires - now
    text = f"expire at {expires:%Y-%m-%d %H:%M:%S %Z} ({_duration(left)} from now)"
    if left >= window:
        return PreflightCheck("credentials", OK, f"{text}; the window is {_duration(window)}")
    return PreflightCheck(
        "credentials",
        WARN,
        f"{text}, before the {_duration(window)} window ends",
        "re-authenticate first (`aws sso login --profile P`) or take a longer session; if they "
        "expire mid-window the session pauses and `turnout resume` carries on",
    )


def _duration(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def blocking(rows: list[PreflightCheck]) -> list[PreflightCheck]:
    """The rows that refuse the session."""
    return [row for row in rows if row.result == FAIL]
