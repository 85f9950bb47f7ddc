"""The session's own identity in a world that enforces a policy (`turnout rehearse --policy`):
a role holding exactly that policy, and an AssumeRole session of it for the session's calls, as
an engineer's first real window has them (docs/real-aws.md).

The world's own callers keep the world's key, which the access-control extension exempts
(tui/rehearsal/fidelity/iam/access_control.py): AWS itself is not bound by the operator's policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.rehearsal import names

ROLE = "turnout-operator"
SESSION_NAME = "turnout-rehearsal"
# Longer than any shipped runbook's window at any speed; the preflight reports it.
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class OperatorSession:
    """The role session's credentials (as boto3 Session keywords) and when they expire."""

    credentials: dict[str, Any]
    expires: datetime
    role_arn: str


def trust_policy() -> str:
    """Who may assume the operator's role: principals of the world's account."""
    principal = f"arn:aws:iam::{names.ACCOUNT}:root"
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def grant(clients: Any, policy: str) -> OperatorSession:
    """Make the role with `policy` (a policy document's JSON text) and assume it; switch the
    world's access control on, its own key exempt."""
    from tui.rehearsal.fidelity.iam import access_control
    from tui.rehearsal.server import FAKE_CREDENTIALS

    iam = clients.client("iam")
    role = iam.create_role(
        RoleName=ROLE, AssumeRolePolicyDocument=trust_policy(), MaxSessionDuration=SESSION_SECONDS
    )["Role"]
    iam.put_role_policy(RoleName=ROLE, PolicyName="turnout", PolicyDocument=policy)
    found = clients.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName=SESSION_NAME, DurationSeconds=SESSION_SECONDS
    )["Credentials"]
    access_control.exempt(FAKE_CREDENTIALS["aws_access_key_id"])
    access_control.enforce(True)
    return OperatorSession(
        credentials={
            "aws_access_key_id": found["AccessKeyId"],
            "aws_secret_access_key": found["SecretAccessKey"],
            "aws_session_token": found["SessionToken"],
        },
        expires=found["Expiration"],
        role_arn=role["Arn"],
    )


def revoke() -> None:
    """The world allows every call again (its stop)."""
    from tui.rehearsal.fidelity.iam import access_control

    access_control.enforce(False)
