"""The one not-found error of turnout: a runbook's name that matches nothing in AWS.

Every resolver in this package (and every driver or reading that finds a part of a resource
missing, such as a listener port or a record's set identifier) raises it through `not_found`,
so a person reads one shape whatever the service: what kind of thing, which name, where turnout
looked (account when known, region), and what to do::

    no target group 'web-gren' in account 123456789012, region us-east-1: check the name in
    the runbook (or its --set value) and that the credentials are for that account and region
"""

from __future__ import annotations

from typing import Any

from tui.aws.protocol import CloudError

NOT_FOUND = "NotFound"
CHECK_NAME = (
    "check the name in the runbook (or its --set value) and that the credentials are for that "
    "account and region"
)
# Route 53 is global: a region says nothing about where a hosted zone is.
_GLOBAL = {"route53"}


def where(service: str, region: str, account: str | None = None) -> str:
    """Where turnout looked: `account 1234..., region us-east-1` (the account once the session
    has asked STS who it is), the account alone for a global service."""
    if service in _GLOBAL:
        return f"account {account}" if account else "the credentials' account"
    return f"account {account}, region {region}" if account else f"region {region}"


def not_found(
    client: Any,
    operation: str,
    kind: str,
    name: str,
    *,
    account: str | None = None,
    advice: str = CHECK_NAME,
) -> CloudError:
    """The `CloudError` (code `NotFound`) for `kind` `name` missing, found out by `operation`
    (its API name, `DescribeTargetGroups`) of `client`."""
    service = client.meta.service_model.service_name
    place = where(service, client.meta.region_name or "", account)
    return CloudError(
        f"no {kind} {name!r} in {place}: {advice}",
        service=service,
        operation=operation,
        code=NOT_FOUND,
    )
