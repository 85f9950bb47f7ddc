"""What an operator makes once per account for turnout itself: the lock table sessions lease their
targets in (`turnout-leases`, tui/aws/leases.py), so rehearsals and `turnout run` against a
`turnout world` lease exactly as on real AWS, and where the audit log's copies go."""

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


def seed_audit_copies(clients: Any) -> dict[str, str]:
    """Where a runbook's `audit:` ships the log, as an operator makes them once per account: the
    `turnout-audit` log group, and the `turnout-audit` bucket with Object Lock on (so each
    copy is kept in compliance mode: nobody, root included, deletes it before its date)."""
    logs = clients.client("logs")
    logs.create_log_group(logGroupName=names.AUDIT_LOG_GROUP)
    clients.client("s3").create_bucket(Bucket=names.AUDIT_BUCKET, ObjectLockEnabledForBucket=True)
    group = logs.describe_log_groups(logGroupNamePrefix=names.AUDIT_LOG_GROUP)["logGroups"][0]
    return {"log-group:audit": group["arn"], "bucket:audit": f"arn:aws:s3:::{names.AUDIT_BUCKET}"}
