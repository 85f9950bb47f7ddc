"""Throttling: the service's documented error code, HTTP 400, retried by the SDK; the world
simulator's own calls spared."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity import throttling
from tui.rehearsal.server import FAKE_CREDENTIALS


@pytest.fixture(autouse=True)
def _clear_throttling():
    yield
    throttling.clear()


def _client(aws, service: str, attempts: int = 1, agent: str | None = None):
    return boto3.session.Session(region_name="us-east-1", **FAKE_CREDENTIALS).client(
        service,
        endpoint_url=aws.endpoint_url,
        config=Config(
            retries={"mode": "standard", "max_attempts": attempts}, user_agent_extra=agent
        ),
    )


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("autoscaling", "describe_auto_scaling_groups", "Throttling"),
        ("ec2", "describe_instances", "RequestLimitExceeded"),
        ("ecs", "list_clusters", "ThrottlingException"),
    ],
)
def test_a_throttled_call_fails_with_the_services_code(aws, service, call, code) -> None:
    throttling.set_throttling(service, 1.0)
    with pytest.raises(ClientError) as caught:
        getattr(_client(aws, service), call)()
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_sdk_retries_survive_partial_throttling(aws, monkeypatch) -> None:
    # The SDK's back-off is real time; the retrying, not the waiting, is under test.
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)
    throttling.set_throttling("autoscaling", 0.5)
    client = _client(aws, "autoscaling", attempts=10)
    for _ in range(20):
        client.describe_auto_scaling_groups()
    _client(aws, "elbv2").describe_load_balancers()  # other services are untouched


def test_the_world_simulator_is_spared(aws) -> None:
    throttling.set_throttling("autoscaling", 1.0)
    _client(aws, "autoscaling", agent=throttling.SPARED_USER_AGENT).describe_auto_scaling_groups()
