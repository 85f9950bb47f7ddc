"""One AWS call, with AWS's failure turned into a `CloudError` a person can act on."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.protocol import CloudError

# What to tell a person for the errors they can do something about. The engine pauses the
# session on the credential, permission and throttling codes (CloudError.blocked) and says
# there what to do; this is for the reader of a message anywhere else.
_ADVICE = {
    "AccessDenied": "the credentials lack this permission: `turnout policy` prints the policy",
    "AccessDeniedException": "the credentials lack this permission",
    "UnauthorizedOperation": "the credentials lack this permission",
    "ExpiredToken": "the session's credentials expired: refresh them and `turnout resume`",
    "ExpiredTokenException": "the session's credentials expired: refresh them and resume",
    "Throttling": "AWS kept throttling after the SDK's retries: wait a minute and resume",
    "ThrottlingException": "AWS kept throttling after the SDK's retries: wait and resume",
    "RequestLimitExceeded": "EC2 kept throttling after the SDK's retries: wait and resume",
}
# AWS's AccessDenied names the action it refused: "... is not authorized to perform: ec2:X".
_REFUSED_ACTION = re.compile(r"not authorized to perform:? ([A-Za-z0-9-]+:[A-Za-z0-9*]+)")
# IAM's action prefix where it differs from the service's signing name.
_IAM_PREFIX = {"monitoring": "cloudwatch"}


def iam_action(client: Any, api_name: str) -> str:
    """The IAM action a call of `client` needs: `elasticloadbalancing:ModifyListener`."""
    prefix = client.meta.service_model.signing_name
    return f"{_IAM_PREFIX.get(prefix, prefix)}:{api_name}"


def call(client: Any, operation: str, resource: str, **params: Any) -> dict[str, Any]:
    """`client.<operation>(**params)`; a failure raises `CloudError` naming service, operation
    and resource, e.g. `elbv2.ModifyListener on web-alb:80: AccessDenied: ... (advice)`."""
    service = client.meta.service_model.service_name
    api_name = client.meta.method_to_api_mapping.get(operation, operation)
    try:
        return getattr(client, operation)(**params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = error.get("Message", "")
        advice = _ADVICE.get(code)
        text = f"{service}.{api_name} on {resource}: {code}: {message}".rstrip()
        named = _REFUSED_ACTION.search(message)
        raise CloudError(
            f"{text} ({advice})" if advice else text,
            service=service,
            operation=api_name,
            code=code,
            action=named.group(1) if named else iam_action(client, api_name),
        ) from exc
    except BotoCoreError as exc:  # endpoint unreachable, timeouts after retries, no credentials
        raise CloudError(
            f"{service}.{api_name} on {resource}: {exc}",
            service=service,
            operation=api_name,
            code=type(exc).__name__,
            action=iam_action(client, api_name),
        ) from exc
