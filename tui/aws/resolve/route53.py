"""Route 53 names to resources: a hosted zone (by its DNS name)."""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
from tui.aws.protocol import CloudError
from tui.aws.resolve.missing import not_found


def zone_name(name: str) -> str:
    """A DNS name as Route 53 lists it: lower case, with the trailing dot."""
    return name.lower().rstrip(".") + "."


def hosted_zone(route53: Any, name: str, account: str | None = None) -> str:
    """The id (`Z...`, without `/hostedzone/`) of the hosted zone called `name`."""
    wanted = zone_name(name)
    found = call(route53, "list_hosted_zones_by_name", wanted, DNSName=wanted, MaxItems="10")[
        "HostedZones"
    ]
    zones = [z["Id"].rsplit("/", 1)[-1] for z in found if zone_name(z["Name"]) == wanted]
    if not zones:
        raise not_found(route53, "ListHostedZonesByName", "hosted zone", wanted, account=account)
    if len(zones) > 1:
        raise CloudError(
            f"{len(zones)} hosted zones are named {wanted!r} ({', '.join(zones)}), "
            "e.g. a public and a private one: turnout cannot tell which you mean",
            service="route53",
            operation="ListHostedZonesByName",
            code="Ambiguous",
        )
    return zones[0]
