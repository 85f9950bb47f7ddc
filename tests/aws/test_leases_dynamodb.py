"""The DynamoDB lease store on moto: conditional writes keep one holder per key, a stale lease
is not taken over by itself, and release, renewal and breaking are conditioned on the holder."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from tui.aws.leases import DynamoDbLeaseStore
from tui.aws.protocol import CloudError

KEY = "123456789012/us-east-1/elbv2/listener/web-alb:80"
TABLE = "turnout-leases"


def _holder(session: str, expires_at: float = 4102444800.0) -> dict:
    return {
        "lease_key": KEY,
        "who": "alice",
        "arn": "arn:aws:iam::123456789012:user/alice",
        "host": "host-a",
        "pid": 101,
        "since": "2026-12-07T06:00:00Z",
        "session_id": session,
        "session_dir": f"/sessions/{session}",
        "runbook": "alb-canary",
        "expires_at": expires_at,
    }


@pytest.fixture
def client():
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "lease_key", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "lease_key", "KeyType": "HASH"}],
        )
        yield ddb


def test_one_holder_per_key_and_the_refusal_returns_the_holder(client):
    store = DynamoDbLeaseStore(client, TABLE)
    assert store.take(_holder("s1")) is None
    held = store.take(_holder("s2"))
    assert held is not None and held["session_id"] == "s1" and held["pid"] == 101
    assert held["expires_at"] == 4102444800.0
    assert store.take(_holder("s1")) is None  # the same session (a resume) retakes its own


def test_a_stale_lease_is_not_taken_over_without_break_lease(client):
    """A stale lease belongs to a session that stopped renewing, maybe only cut off from AWS:
    only a person breaks it (the condition is attribute_not_exists OR session_id = :me)."""
    store = DynamoDbLeaseStore(client, TABLE)
    assert store.take(_holder("dead", expires_at=1.0)) is None
    assert store.take(_holder("s2"))["session_id"] == "dead"
    assert not store.break_lease(KEY, "someone-else")
    assert store.break_lease(KEY, "dead")
    assert store.take(_holder("s2")) is None


def test_renewal_and_release_only_by_the_holder(client):
    store = DynamoDbLeaseStore(client, TABLE)
    store.take(_holder("s1", expires_at=100.0))
    assert not store.renew(KEY, "s2", 999.0)
    assert store.renew(KEY, "s1", 700.0)
    store.release(KEY, "s2")  # not the holder: nothing happens
    assert store.take(_holder("s2"))["expires_at"] == 700.0
    store.release(KEY, "s1")
    assert store.take(_holder("s2")) is None


def test_a_missing_table_says_how_to_create_it(client):
    store = DynamoDbLeaseStore(client, "no-such-table")
    with pytest.raises(CloudError) as caught:
        store.take(_holder("s1"))
    assert "aws dynamodb create-table --table-name no-such-table" in str(caught.value)
    assert "--lock-table" in str(caught.value)
