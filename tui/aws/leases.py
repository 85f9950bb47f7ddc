"""Leases in a DynamoDB table: the `LeaseStore` (tui/audit/leases.py) every machine can see.

One item per lease key (hash key `lease_key`, a string). Taking is PutItem conditioned on
`attribute_not_exists(lease_key) OR session_id = :me`: deliberately NOT `OR expires_at < :now`
(Terraform-style auto-expiry), because a lease whose session stopped renewing may belong to a
session that is merely cut off from AWS while it still holds a half-shifted listener; a stale
lease is broken only when a person asks (`--break-lease`). Renewal is UpdateItem and release
DeleteItem, both conditioned on `session_id = :me`; breaking is DeleteItem conditioned on the
holder seen in the refusal, so a lease taken in between by a third session is not broken.

The table (PAY_PER_REQUEST, `lease_key` as its only key) is made once per account and region:

    aws dynamodb create-table --table-name turnout-leases --billing-mode PAY_PER_REQUEST \\
        --attribute-definitions AttributeName=lease_key,AttributeType=S \\
        --key-schema AttributeName=lease_key,KeyType=HASH
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.protocol import CloudError

_NUMBERS = ("pid", "expires_at")
_CHECK_FAILED = "ConditionalCheckFailedException"


def create_table_command(table: str) -> str:
    """The AWS CLI command that makes a lock table (for the message when it is missing)."""
    return (
        f"aws dynamodb create-table --table-name {table} --billing-mode PAY_PER_REQUEST "
        "--attribute-definitions AttributeName=lease_key,AttributeType=S "
        "--key-schema AttributeName=lease_key,KeyType=HASH"
    )


def _item(holder: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: ({"N": str(v)} if k in _NUMBERS else {"S": str(v)})
        for k, v in holder.items()
        if v is not None
    }


def _holder(item: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        if "N" in value:
            number = float(value["N"])
            out[key] = int(number) if key == "pid" else number
        else:
            out[key] = value.get("S")
    return out


class DynamoDbLeaseStore:
    """`LeaseStore` on the DynamoDB table `table`, through `client` (a boto3 dynamodb client)."""

    local_only = False

    def __init__(self, client: Any, table: str) -> None:
        self.client, self.table = client, table
        self.where = f"DynamoDB table {table} ({client.meta.region_name})"

    def _call(self, operation: str, **params: Any) -> dict[str, Any] | None:
        """The call's response, or None when its condition failed; any other failure raises
        a CloudError naming the table and what to do."""
        try:
            return getattr(self.client, operation)(TableName=self.table, **params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == _CHECK_FAILED:
                return None
            hint = (
                f": it does not exist here; create it with `{create_table_command(self.table)}`, "
                "or name another with --lock-table"
                if code == "ResourceNotFoundException"
                else ""
            )
            raise CloudError(
                f"dynamodb.{operation} on lock table {self.table}: {code}: "
                f"{exc.response.get('Error', {}).get('Message', '')}{hint}",
                service="dynamodb",
                operation=operation,
                code=code,
            ) from None
        except BotoCoreError as exc:
            raise CloudError(
                f"dynamodb.{operation} on lock table {self.table}: {exc}",
                service="dynamodb",
                operation=operation,
            ) from None

    def _current(self, key: str) -> dict[str, Any] | None:
        got = self._call("get_item", Key={"lease_key": {"S": key}}, ConsistentRead=True)
        item = (got or {}).get("Item")
        return _holder(item) if item else None

    def take(self, holder: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """See `LeaseStore.take`."""
        key = str(holder["lease_key"])
        for _ in range(3):  # the holder may release between our put and our read
            done = self._call(
                "put_item",
                Item=_item(holder),
                ConditionExpression="attribute_not_exists(lease_key) OR session_id = :me",
                ExpressionAttributeValues={":me": {"S": str(holder["session_id"])}},
            )
            if done is not None:
                return None
            current = self._current(key)
            if current is not None:
                return current
        return self._current(key)

    def renew(self, key: str, session_id: str, expires_at: float) -> bool:
        """See `LeaseStore.renew`."""
        done = self._call(
            "update_item",
            Key={"lease_key": {"S": key}},
            UpdateExpression="SET expires_at = :until",
            ConditionExpression="session_id = :me",
            ExpressionAttributeValues={":me": {"S": session_id}, ":until": {"N": str(expires_at)}},
        )
        return done is not None

    def release(self, key: str, session_id: str) -> None:
        """See `LeaseStore.release`."""
        self._call(
            "delete_item",
            Key={"lease_key": {"S": key}},
            ConditionExpression="session_id = :me",
            ExpressionAttributeValues={":me": {"S": session_id}},
        )

    def break_lease(self, key: str, session_id: str) -> bool:
        """See `LeaseStore.break_lease`."""
        done = self._call(
            "delete_item",
            Key={"lease_key": {"S": key}},
            ConditionExpression="session_id = :them",
            ExpressionAttributeValues={":them": {"S": session_id}},
        )
        return done is not None
