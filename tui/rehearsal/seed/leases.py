"""The lock table sessions lease their targets in (`turnout-leases`), as an operator makes it
once per account (tui/aws/leases.py), so rehearsals and `turnout run` against a `turnout world`
lease exactly as on real AWS."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def seed_lease_table(clients: Any) -> dict[str, str]:
    """Create the lease table: PAY_PER_REQUEST, hash key `lease_key`."""
    table = clients.client("dynamodb").create_table(
        TableName=names.LEASE_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "lease_key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "lease_key", "KeyType": "HASH"}],
    )["TableDescription"]
    return {"table:leases": table["TableArn"]}
