"""`turnout policy` (the least-privilege IAM policy a runbook's session needs) and `turnout
preflight` (can these credentials do the whole runbook, here, now?), docs/real-aws.md.

The policy comes from the action catalogue (tui/runbook/policy.py), without calling AWS; the
preflight's checks are tui/aws/preflight.py, the same every session runs before its checklist.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tui.commands.session_args import add_set_flag
from tui.errors import InputError
from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add policy and preflight."""
    policy = subparsers.add_parser(
        "policy",
        help="print the least-privilege IAM policy a runbook's session needs",
        description="Print the IAM policy (JSON) that allows every call a session of RUNBOOK "
        "can make: its steps, their undo and rollback, every read (preconditions, guardrail "
        "metrics, names, progress), STS GetCallerIdentity and the preflight's own checks; "
        "scoped to the target account, region and named resources where AWS allows it.",
    )
    policy.add_argument("runbook", metavar="RUNBOOK")
    add_set_flag(policy)
    policy.add_argument("-o", "--output", metavar="FILE", help="write it to FILE, not stdout")
    policy.add_argument(
        "--lock-table", metavar="TABLE", help="also allow the DynamoDB lease table TABLE"
    )
    policy.set_defaults(handler=policy_command)

    preflight = subparsers.add_parser(
        "preflight",
        help="check the credentials can do the whole runbook, before a window",
        description="Check, without changing anything: the identity is the runbook's target "
        "account and region; every action of the runbook's policy is allowed to it "
        "(iam:SimulatePrincipalPolicy); each named resource exists; each guardrail metric has "
        "recent datapoints; the credentials outlive the window. Exit 5 naming each missing "
        "action and the statement to add; 0 when nothing refuses.",
    )
    preflight.add_argument("runbook", metavar="RUNBOOK")
    add_set_flag(preflight)
    preflight.add_argument("--profile", metavar="P", help="AWS profile (default: the chain)")
    preflight.add_argument("--region", metavar="R", help="AWS region (default: the target)")
    preflight.add_argument(
        "--policy",
        metavar="FILE",
        help="check the actions of this policy (default: what `turnout policy` prints)",
    )
    preflight.set_defaults(handler=preflight_command)


def _load(args: argparse.Namespace) -> Any:
    from tui.runbook.loader import load_runbook_with_set

    return load_runbook_with_set(args.runbook, args.set)


def policy_command(args: argparse.Namespace) -> int:
    """`turnout policy`: the policy JSON on stdout, or in `-o FILE`."""
    from tui.commands.session_args import print_problems
    from tui.runbook.policy import least_privilege, policy_json
    from tui.runbook.problems import RunbookInvalid

    try:
        runbook = _load(args)
    except RunbookInvalid as exc:
        return print_problems(exc)
    text = policy_json(least_privilege(runbook, lock_table=args.lock_table))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return int(ExitCode.COMPLETED)


# IAM's own limit on a role's inline policies is 10,240 characters; a policy file a thousand
# times that is not one (and is not read whole).
MAX_POLICY_BYTES = 10 * 1024 * 1024
_WRITE_ONE = "give the file `turnout policy RUNBOOK -o FILE` writes"


def read_policy_file(path: str) -> dict[str, Any]:
    """A policy document from `path` (`turnout rehearse --policy`, `turnout preflight
    --policy`); a file that is not one is bad input naming the file and what to do."""
    import json

    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the policy: {exc.strerror}") from None
    if len(data) > MAX_POLICY_BYTES:
        raise InputError(
            f"{path}: over {MAX_POLICY_BYTES // 2**20} MiB, not a policy: {_WRITE_ONE}"
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text: {_WRITE_ONE}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}): {_WRITE_ONE}"
        ) from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not all(
        isinstance(s, dict) and "Action" in s for s in statements
    ):
        raise InputError(
            f"{path}:1:1: not an IAM policy document (a `Statement` list, each with `Action`): "
            + _WRITE_ONE
        )
    return {**document, "Statement": statements}


def named_actions(document: dict[str, Any], path: str) -> dict[str, Any]:
    """`document` as the preflight checks it: Allow statements of named actions (a wildcard
    cannot be simulated) over resources, each Action and Resource a list."""
    listed = []
    for s in document["Statement"]:
        if s.get("Effect") != "Allow" or "NotResource" in s or "NotAction" in s:
            raise InputError(
                f"{path}: the preflight checks Allow statements of Action and Resource: "
                + _WRITE_ONE
            )
        actions = [s["Action"]] if isinstance(s["Action"], str) else list(s["Action"])
        resources = s.get("Resource", "*")
        listed.append(
            {
                **s,
                "Action": actions,
                "Resource": [resources] if isinstance(resources, str) else list(resources),
            }
        )
    wild = [a for s in listed for a in s["Action"] if "*" in a or "?" in a]
    if wild:
        raise InputError(
            f"{path}: the preflight checks named actions, and {', '.join(wild)} is a "
            f"wildcard: {_WRITE_ONE}"
        )
    return {**document, "Statement": listed}


def preflight_command(args: argparse.Namespace) -> int:
    """`turnout preflight`: the table, exit 5 when a row refuses."""
    from botocore.exceptions import BotoCoreError

    from tui.aws.clients import ClientFactory
    from tui.aws.cloud import AwsCloud
    from tui.aws.context import AwsContext
    from tui.aws.preflight import run_preflight
    from tui.aws.protocol import CloudError
    from tui.clock import SystemClock
    from tui.commands.session import endpoint_clock_and_hosts
    from tui.commands.session_args import print_problems
    from tui.runbook.problems import RunbookInvalid

    try:
        runbook = _load(args)
    except RunbookInvalid as exc:
        return print_problems(exc)
    policy = named_actions(read_policy_file(args.policy), args.policy) if args.policy else None
    clock, _ = endpoint_clock_and_hosts(SystemClock())
    clients = ClientFactory(
        region=args.region or runbook.target.region,
        profile=args.profile,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
    )
    try:
        clients.session  # noqa: B018 - resolve the profile now
        ctx = AwsContext(clients, clock)
        identity = AwsCloud(ctx).identity()
    except BotoCoreError as exc:
        raise InputError(f"AWS configuration: {exc}") from None
    except CloudError as exc:
        raise InputError(f"cannot tell who the credentials are: {exc}") from None
    except RuntimeError as exc:  # botocore: "refreshed credentials are still expired"
        raise InputError(f"the credentials: {exc}: refresh them (`aws sso login`)") from None
    rows = run_preflight(ctx, runbook, identity, policy)
    return print_preflight(rows)


def print_preflight(rows: list[Any], file: Any = None) -> int:
    """The table (check, result, what to do); exit 5 when a row fails, else 0."""
    from rich.console import Console
    from rich.table import Table

    from tui.aws.preflight import blocking

    table = Table(title="preflight", show_lines=False)
    for column in ("check", "result", "detail", "what to do"):
        table.add_column(column, overflow="fold")
    style = {"ok": "green", "warn": "yellow", "fail": "bold red", "not checked": "dim"}
    for row in rows:
        result = f"[{style.get(row.result, '')}]{row.result}[/]"
        table.add_row(row.check, result, row.detail, row.todo)
    console = Console(file=file or sys.stdout, soft_wrap=False, width=160, highlight=False)
    console.print(table)
    refused = blocking(rows)
    missing = [action for row in refused for action in row.missing]
    if missing:
        console.print(f"missing actions: {', '.join(missing)}", markup=False)
    if refused:
        console.print(f"preflight refused: {len(refused)} check(s) failed", markup=False)
        return int(ExitCode.REFUSED)
    console.print("preflight passed", markup=False)
    return int(ExitCode.COMPLETED)
