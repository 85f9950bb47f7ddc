"""Throttling: the service's documented error code, HTTP 400, retried by the SDK; the world
simulator's own calls spared."""

from __future__ import annotations

from typing import Any

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


def _throttled_share(client: Any, calls: int) -> float:
    throttled = 0
    for _ in range(calls):
        try:
            client.describe_auto_scaling_groups()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "Throttling"
            throttled += 1
    return throttled / calls


@pytest.mark.parametrize("share", [0.5, 0.2])
def test_the_configured_share_of_requests_is_throttled(aws, share) -> None:
    """AWS throttles requests, each answered on its own ("Request throttling for the Amazon EC2
    API": a request over the rate "fails with the RequestLimitExceeded error code"); the
    scenario says "Half of the calls to the Auto Scaling API are answered with Throttling".
    Seeded draws (`clear` starts them again), 400 requests sent once each: the share is within
    0.07 of the configured one (about three standard deviations of a binomial at 0.5)."""
    throttling.clear()
    throttling.set_throttling("autoscaling", share)
    assert abs(_throttled_share(aws.client("autoscaling"), 400) - share) < 0.07


def test_a_retrying_caller_fails_only_when_every_attempt_is_throttled(aws, monkeypatch) -> None:
    """A throttled request is retried by the SDKs (AWS SDKs and Tools Reference Guide, "Retry
    behavior": throttling errors are retried), so with one retry a call fails when both of its
    requests are throttled: a quarter of the calls at 0.5, which is what a client with
    `max_attempts: 1` (one retry, in botocore) reported as the throttled share."""
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)
    throttling.clear()
    throttling.set_throttling("autoscaling", 0.5)
    one_retry = _client(aws, "autoscaling", attempts=1)
    assert abs(_throttled_share(one_retry, 400) - 0.25) < 0.07
