"""Where `run`, `rehearse` and `resume` keep their leases: `--lock-table`, `$TURNOUT_LOCK_TABLE`
and `--break-lease` (docs/engine.md, "One operator per target").

A lock table names a DynamoDB table in the session's account and region (tui/aws/leases.py);
without one the leases are files in the sessions directory, which protect only sessions using
that directory. A rehearsal leases in its own world's `turnout-leases` table unless
`--lock-table` names another; the environment variable is for real AWS only (a table named for
production does not exist in the embedded world).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOCK_TABLE_ENV = "TURNOUT_LOCK_TABLE"


def add_lease_flags(parser: argparse.ArgumentParser, *, rehearsal: bool = False) -> None:
    """`--lock-table NAME` and `--break-lease`."""
    default = (
        "the world's turnout-leases table"
        if rehearsal
        else f"${LOCK_TABLE_ENV}; with neither, local lease files in the sessions directory, "
        "which protect only sessions on this machine"
    )
    parser.add_argument(
        "--lock-table",
        metavar="NAME",
        help="the DynamoDB table where the session leases every resource it changes, so a "
        f"second operator's session on them is refused, exit 5 (default: {default})",
    )
    parser.add_argument(
        "--break-lease",
        action="store_true",
        help="break other sessions' leases on this runbook's resources before taking them "
        "(recorded as lease.broken): only when their holder is dead; a live process on this "
        "host is never broken",
    )


def lock_table(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str | None:
    """The lock table a real-AWS session uses: `--lock-table`, else `$TURNOUT_LOCK_TABLE`."""
    env = os.environ if environ is None else environ
    return getattr(args, "lock_table", None) or env.get(LOCK_TABLE_ENV) or None


def aws_lease_store(
    args: argparse.Namespace, profile: str | None, region: str | None, sessions_root: Path
) -> Any:
    """The `LeaseStore` of a session against AWS (or a `turnout world` via AWS_ENDPOINT_URL)."""
    table = lock_table(args)
    if not table:
        from tui.audit.leases_local import LocalLeaseStore

        return LocalLeaseStore(sessions_root / ".leases")
    from tui.aws.clients import ClientFactory
    from tui.aws.leases import DynamoDbLeaseStore

    clients = ClientFactory(
        region=region, profile=profile, endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None
    )
    return DynamoDbLeaseStore(clients.client("dynamodb"), table)


def world_lease_store(world: Any, args: argparse.Namespace) -> Any:
    """The `LeaseStore` of a rehearsal: the world's lease table, or `--lock-table` in it."""
    from tui.aws.leases import DynamoDbLeaseStore
    from tui.rehearsal import names

    table = getattr(args, "lock_table", None) or names.LEASE_TABLE
    return DynamoDbLeaseStore(world.clients.client("dynamodb"), table)
