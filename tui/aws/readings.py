"""The current value of a non-metric condition: a record's TTL, a Blue/Green deployment's or a
DB instance's status, a target group's healthy targets. Each reading says in words what it saw.
"""

from __future__ import annotations

from typing import Any

from tui.aws.calls import call
from tui.aws.clients import ClientFactory
from tui.aws.protocol import Reading
from tui.aws.resolve import Resolver, not_found, zone_name
from tui.runbook.model import (
    Condition,
    HealthyTargetsCondition,
    Route53TtlCondition,
    StatusCondition,
)


def record_sets(
    clients: ClientFactory, zone_id: str, record: str, kind: str | None = None
) -> list[dict[str, Any]]:
    """Every record set called `record` (of type `kind`, if given) in the hosted zone."""
    route53 = clients.client("route53")
    wanted = zone_name(record)
    params: dict[str, Any] = {"HostedZoneId": zone_id, "StartRecordName": wanted}
    if kind:
        params["StartRecordType"] = kind
    found: list[dict[str, Any]] = []
    while True:
        page = call(route53, "list_resource_record_sets", wanted, **params)
        for item in page["ResourceRecordSets"]:
            if zone_name(item["Name"]) == wanted and (kind is None or item["Type"] == kind):
                found.append(item)
            elif found:  # listed in name order: past the last of ours
                return found
        if not page.get("IsTruncated"):
            return found
        params |= {
            "StartRecordName": page["NextRecordName"],
            "StartRecordType": page.get("NextRecordType"),
        }
        if page.get("NextRecordIdentifier"):
            params["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def route53_ttl(clients: ClientFactory, resolver: Resolver, cond: Route53TtlCondition) -> Reading:
    """The longest TTL among the record's sets: how long a client may keep an old answer."""
    records = record_sets(clients, resolver.hosted_zone(cond.zone), cond.record, cond.type)
    name = zone_name(cond.record)
    if not records:
        of_type = f" of type {cond.type}" if cond.type else ""
        raise not_found(
            clients.client("route53"),
            "ListResourceRecordSets",
            "record",
            name,
            account=resolver.account,
            advice=f"hosted zone {zone_name(cond.zone)} has none{of_type}: check `record` "
            "(and `type`) in the runbook",
        )
    ttls = [r["TTL"] for r in records if "TTL" in r]
    if not ttls:  # alias records: Route 53 answers with the target's TTL
        return Reading(None, f"{name} is an alias record: its TTL is the target's")
    which = ", ".join(r.get("SetIdentifier", r["Type"]) for r in records)
    return Reading(max(ttls), f"TTL of {name} is {max(ttls)} s ({which})")


def blue_green_status(resolver: Resolver, cond: StatusCondition) -> Reading:
    """The status of the Blue/Green deployment called `cond.resource`."""
    status = resolver.blue_green(cond.resource).get("Status")
    return Reading(status, f"Blue/Green deployment {cond.resource} is {status}")


def db_instance_status(resolver: Resolver, cond: StatusCondition) -> Reading:
    """The status of the DB instance `cond.resource`."""
    status = resolver.db_instance(cond.resource)["DBInstanceStatus"]
    return Reading(status, f"DB instance {cond.resource} is {status}")


def healthy_targets(
    clients: ClientFactory, resolver: Resolver, cond: HealthyTargetsCondition
) -> Reading:
    """How many targets of the target group are `healthy`."""
    arn = resolver.target_group_arn(cond.target_group)
    found = call(
        clients.client("elbv2"), "describe_target_health", cond.target_group, TargetGroupArn=arn
    )["TargetHealthDescriptions"]
    states = [t["TargetHealth"]["State"] for t in found]
    healthy = states.count("healthy")
    others = {s: states.count(s) for s in sorted(set(states)) if s != "healthy"}
    rest = "".join(f", {n} {s}" for s, n in others.items())
    return Reading(healthy, f"target group {cond.target_group} has {healthy} healthy targets{rest}")


def read_condition(clients: ClientFactory, resolver: Resolver, condition: Condition) -> Reading:
    """The reading of a non-metric condition (metric ones are read with `fetch`)."""
    match condition:
        case Route53TtlCondition():
            return route53_ttl(clients, resolver, condition)
        case StatusCondition(kind="blue_green_status"):
            return blue_green_status(resolver, condition)
        case StatusCondition(kind="db_instance_status"):
            return db_instance_status(resolver, condition)
        case HealthyTargetsCondition():
            return healthy_targets(clients, resolver, condition)
    raise ValueError(f"{condition.kind} conditions are read with fetch(), not read()")
