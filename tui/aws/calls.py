"""One AWS call, with AWS's failure turned into a `CloudError` a person can act on."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.protocol import CloudError

# What to tell a person for the errors they can do something about.
_ADVICE = {
    "AccessDenied": "the credentials lack this permission: see `turnout plan` for the policy",
    "AccessDeniedException": "the credentials lack this permission",
    "UnauthorizedOperation": "the credentials lack this permission",
    "ExpiredToken": "the session's credentials expired: refresh them and `turnout resume`",
    "ExpiredTokenException": "the session's credentials expired: refresh them and resume",
    "Throttling": "AWS kept throttling after the SDK's retries: wait a minute and resume",
    "ThrottlingException": "AWS kept throttling after the SDK's retries: wait and resume",
    "RequestLimitExceeded": "EC2 kept throttling after the SDK's retries: wait and resume",
}


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
        advice = _ADVICE.get(code)
        text = f"{service}.{api_name} on {resource}: {code}: {error.get('Message', '')}".rstrip()
        raise CloudError(
            f"{text} ({advice})" if advice else text,
            service=service,
            operation=api_name,
            code=code,
        ) from exc
    except BotoCoreError as exc:  # endpoint unreachable, timeouts after retries, ...
        raise CloudError(
            f"{service}.{api_name} on {resource}: {exc}", service=service, operation=api_name
        ) from exc
