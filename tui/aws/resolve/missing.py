"""The one not-found error of turnout: a runbook's name that matches nothing in AWS.

Every resolver in this package (and every driver or reading that finds a part of a resource
missing, such as a listener port or a record's set identifier) raises it through `not_found`,
so a person reads one shape whatever the service: what kind of thing, which name, where turnout
looked (account when known, region), and what to do::

    no target group 'web-gren' in account 123456789012, region us-east-1: check the name in
    the runbook (or its --set value) and that the credentials are for that account and region

`first` / `first_or_none` are the Describe call most resolvers make, with that decision taken
on AWS's error code (never its text) or on an empty answer.
"""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
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


def first_or_none(
    client: Any,
    operation: str,
    key: str,
    resource: str,
    codes: tuple[str, ...] = (),
    **params: Any,
) -> dict[str, Any] | None:
    """The first item under `key` of `call(client, operation, resource, **params)`, or None
    when there is none or AWS answers with one of `codes` (some services say "no such name"
    with an error, others with an empty list)."""
    try:
        found = call(client, operation, resource, **params)
    except CloudError as exc:
        if exc.code in codes:
            return None
        raise
    items = found.get(key) or []
    return items[0] if items else None


def first(
    client: Any,
    operation: str,
    key: str,
    kind: str,
    name: str,
    codes: tuple[str, ...] = (),
    *,
    account: str | None = None,
    advice: str = CHECK_NAME,
    **params: Any,
) -> dict[str, Any]:
    """Like `first_or_none`, but nothing found is the not-found error for `kind` `name`."""
    found = first_or_none(client, operation, key, name, codes, **params)
    if found is None:
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        raise not_found(client, api_name, kind, name, account=account, advice=advice)
    return found
