"""AssumeRole sessions: they expire at their Expiration on the world's clock, with each
protocol's code, and their session policy limits what they may do."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/turnout-operator"
ONLY_READS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["elasticloadbalancing:Describe*"], "Resource": "*"}
        ],
    }
)


def _assume(aws, duration: int = 900, policy: str | None = None) -> dict:
    extra = {"Policy": policy} if policy else {}
    return aws.client("sts").assume_role(
        RoleArn=ROLE, RoleSessionName="operator", DurationSeconds=duration, **extra
    )["Credentials"]


def _client(aws, service: str, credentials: dict):
    session = boto3.session.Session(
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    return session.client(
        service, endpoint_url=aws.endpoint_url, config=Config(retries={"max_attempts": 1})
    )


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("elbv2", "describe_load_balancers", "ExpiredToken"),
        ("ecs", "list_clusters", "ExpiredTokenException"),
        ("ec2", "describe_instances", "RequestExpired"),
    ],
)
def test_a_role_session_is_refused_once_its_expiration_passes(aws, service, call, code) -> None:
    """STS, `Credentials` data type, Expiration: "Temporary security credentials expire after
    a specified interval. After temporary credentials expire, any calls that you make with
    those credentials will fail." AWS "Common Errors": "ExpiredTokenException: The security
    token included in the request is expired" (Query APIs answer `ExpiredToken`; EC2's
    "Common Error Types" answer `RequestExpired`). Old code: moto answered every call."""
    issued = aws.clock.now()
    credentials = _assume(aws, duration=900)
    # The expiry the caller is told is on the world's clock, whatever the wall clock says.
    told = credentials["Expiration"]
    assert abs((told - (issued + timedelta(seconds=900))).total_seconds()) < 1
    client = _client(aws, service, credentials)
    getattr(client, call)()  # within its lifetime
    aws.clock.advance(899)
    getattr(client, call)()
    aws.clock.advance(1)
    with pytest.raises(ClientError) as refused:
        getattr(client, call)()
    assert refused.value.response["Error"]["Code"] == code
    assert "expired" in refused.value.response["Error"]["Message"]
    # A fresh session (what `aws sso login` gives) works; long-term keys were never limited.
    getattr(_client(aws, service, _assume(aws)), call)()
    getattr(aws.client(service), call)()


def test_a_session_policy_limits_the_session_and_names_the_action(aws) -> None:
    """IAM User Guide, "Permissions for AssumeRole, AssumeRoleWithSAML, and
    AssumeRoleWithWebIdentity": "Session policies limit the permissions for the role's
    temporary credential session. The resulting session's permissions are the intersection of
    the role's identity-based policy and the session policies." A refusal is `AccessDenied`
    ("User: ... is not authorized to perform: ACTION"). Old code: moto ignored the policy."""
    elbv2 = _client(aws, "elbv2", _assume(aws, policy=ONLY_READS))
    elbv2.describe_load_balancers()
    with pytest.raises(ClientError) as refused:
        elbv2.create_load_balancer(Name="web-alb-2", Subnets=["subnet-1"])
    error = refused.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert (
        "is not authorized to perform: elasticloadbalancing:CreateLoadBalancer"
        in (error["Message"])
    )
    ecs = _client(aws, "ecs", _assume(aws, policy=ONLY_READS))
    with pytest.raises(ClientError) as json_refused:
        ecs.list_clusters()
    assert json_refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "ecs:ListClusters" in json_refused.value.response["Error"]["Message"]
