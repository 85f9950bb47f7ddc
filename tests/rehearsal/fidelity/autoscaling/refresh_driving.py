"""Driving an instance refresh of the web tier through boto3, for the instance refresh tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asg_world import WebTier, build_web_tier, instances

STEP = 5  # seconds of world time between samples


def start(tier: WebTier, version: str | None = None, **preferences: Any) -> str:
    """Start a refresh of web-asg towards `version` of web-lt (no desired config if None)."""
    kwargs: dict[str, Any] = {"AutoScalingGroupName": tier.group, "Preferences": preferences}
    if version is not None:
        kwargs["DesiredConfiguration"] = {
            "LaunchTemplate": {"LaunchTemplateId": tier.template_id, "Version": version}
        }
    return tier.asg.start_instance_refresh(**kwargs)["InstanceRefreshId"]


def latest(tier: WebTier) -> dict[str, Any]:
    """The newest refresh of web-asg, as DescribeInstanceRefreshes reports it."""
    refreshes = tier.asg.describe_instance_refreshes(AutoScalingGroupName=tier.group)
    return refreshes["InstanceRefreshes"][0]


def run_until(
    aws: Any,
    tier: WebTier,
    statuses: set[str],
    limit: int = 3600,
    sample: Callable[[dict[str, Any]], None] | None = None,
    step: int = STEP,
) -> dict[str, Any]:
    """Move world time in steps until the refresh reaches one of `statuses`; sample on the way."""
    for _ in range(limit // step):
        refresh = latest(tier)
        if sample is not None:
            sample(refresh)
        if refresh["Status"] in statuses:
            return refresh
        aws.clock.advance(step)
    raise AssertionError(f"refresh still {latest(tier)['Status']} after {limit} s")


def versions(tier: WebTier) -> list[str]:
    return sorted(i["LaunchTemplate"]["Version"] for i in instances(tier))


def settled_tier(aws: Any, **kwargs: Any) -> WebTier:
    """The web tier with its targets past their initial health checks, as in a running world."""
    tier = build_web_tier(aws, **kwargs)
    aws.clock.advance(60)
    return tier
