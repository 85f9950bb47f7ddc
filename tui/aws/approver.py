"""Who an approver is, from their own credentials: STS GetCallerIdentity (`turnout approve`).

Real AWS (or any endpoint the approver's environment names): the standard credential chain,
their profile and region, exactly as the AWS CLI would resolve them. A rehearsal made by
`turnout rehearse` has its world inside the operator's process, and that world accepts any
keys: there the approver is given a role session of the world's own STS, named for their OS
user (`assumed-role/turnout-approver/bob`), so two people rehearsing get two real STS
identities, and the operator's own (`user/moto`) is never one of them.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError

from tui.aws.calls import call
from tui.aws.clients import ClientFactory
from tui.aws.protocol import CloudError

REHEARSAL_ROLE = "arn:aws:iam::{account}:role/turnout-approver"
REHEARSAL_KEYS = {
    "aws_access_key_id": "AKIAREHEARSALAPPROVE",
    "aws_secret_access_key": "rehearsal-not-a-secret",
}


def approver_identity(
    *,
    endpoint_url: str | None,
    profile: str | None,
    region: str | None,
    rehearsal_account: str | None = None,
    session_name: str = "approver",
) -> dict[str, Any]:
    """`{arn, account, user_id}` of the approver's credentials (see the module docstring:
    `rehearsal_account` set means an in-process rehearsal world at `endpoint_url`). Raises
    CloudError when STS cannot say."""
    try:
        if rehearsal_account is not None:
            world = ClientFactory(
                region=region or "us-east-1", endpoint_url=endpoint_url, credentials=REHEARSAL_KEYS
            )
            got = call(
                world.client("sts"),
                "assume_role",
                "the rehearsal world's approver role",
                RoleArn=REHEARSAL_ROLE.format(account=rehearsal_account),
                RoleSessionName=session_name[:64] or "approver",
            )["Credentials"]
            clients = ClientFactory(
                region=region or "us-east-1",
                endpoint_url=endpoint_url,
                credentials={
                    "aws_access_key_id": got["AccessKeyId"],
                    "aws_secret_access_key": got["SecretAccessKey"],
                    "aws_session_token": got["SessionToken"],
                },
            )
        else:
            clients = ClientFactory(region=region, profile=profile, endpoint_url=endpoint_url)
        who = call(clients.client("sts"), "get_caller_identity", "your credentials")
    except BotoCoreError as exc:  # no credentials, no endpoint, no region
        raise CloudError(f"sts.GetCallerIdentity: {exc}") from exc
    return {"arn": who["Arn"], "account": who["Account"], "user_id": who["UserId"]}
