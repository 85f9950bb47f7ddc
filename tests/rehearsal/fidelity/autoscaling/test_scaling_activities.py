"""DescribeScalingActivities lists every launch and termination, through boto3, as AWS documents.

Amazon EC2 Auto Scaling API reference, DescribeScalingActivities: "When scaling events occur,
you see a record of the scaling activity in the scaling activities. ... If the scaling event
succeeds, the value of the StatusCode element in the response is Successful"; MaxRecords: "The
default value is 100 and the maximum value is 100"; NextToken: "The token for the next set of
items to return"; "Activities are sorted by the start time. Activities still in progress appear
first on the list." User guide, "View the reason for health check failures": the Cause column
"shows the date and time of the termination and the reason", e.g. "At 2022-05-14T20:11:53Z an
instance was taken out of service in response to a user health-check."; "Elastic Load
Balancing health checks": "Amazon EC2 Auto Scaling waits for in-flight requests to complete or
the maximum timeout to expire, whichever comes first, before terminating instances due to a
scaling event or health check replacement."
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asg_world import build_web_tier, new_version
from botocore.exceptions import ClientError

from tests.rehearsal.fidelity.autoscaling.refresh_driving import run_until, start


def _all(tier: Any, **params: Any) -> list[dict[str, Any]]:
    pages = tier.asg.get_paginator("describe_scaling_activities").paginate(
        AutoScalingGroupName=tier.group, **params
    )
    return [a for page in pages for a in page["Activities"]]


def _refresh(aws: Any, tier: Any, version: str) -> None:
    start(tier, version, MinHealthyPercentage=75, InstanceWarmup=30)
    assert run_until(aws, tier, {"Successful", "Failed"})["Status"] == "Successful"


def test_a_refresh_leaves_a_launch_and_a_termination_per_instance(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2", deregistration_delay=30)
    created = aws.clock.now()
    aws.clock.advance(60)
    started = aws.clock.now()
    _refresh(aws, tier, new_version(tier))
    aws.clock.advance(30)  # the last termination's connections have drained
    activities = _all(tier)

    assert len(activities) == 4 + 4 + 4  # the group's first four, then four replaced
    starts = [a["StartTime"] for a in activities]
    assert starts == sorted(starts, reverse=True)  # newest first
    first = activities[-4:]
    assert all(a["Description"].startswith("Launching a new EC2 instance: i-") for a in first)
    assert {a["StartTime"] for a in first} == {created}
    assert "increasing the capacity from 0 to 4" in first[0]["Cause"]
    refresh = activities[:-4]
    launches = [a for a in refresh if a["Description"].startswith("Launching")]
    terminations = [a for a in refresh if a["Description"].startswith("Terminating")]
    assert len(launches) == len(terminations) == 4
    for activity in refresh:
        assert activity["Cause"].startswith(f"At {activity['StartTime']:%Y-%m-%dT%H:%M:%SZ} an ")
        assert activity["Cause"].endswith("in response to an instance refresh.")
        assert activity["StartTime"] > started
        assert (activity["StatusCode"], activity["Progress"]) == ("Successful", 100)
        assert activity["AutoScalingGroupName"] == tier.group
        assert '"Availability Zone":"us-east-1' in activity["Details"]
    for termination in terminations:  # ended once its target had drained, 30 s later
        assert termination["EndTime"] - termination["StartTime"] == timedelta(seconds=30)


def test_a_termination_waits_for_connection_draining(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2", deregistration_delay=45, grace_period=10)
    aws.clock.advance(20)
    victim = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])[
        "AutoScalingGroups"
    ][0]["Instances"][0]["InstanceId"]  # fmt: skip
    tier.asg.set_instance_health(InstanceId=victim, HealthStatus="Unhealthy")
    aws.clock.advance(10)
    newest = _all(tier)
    assert newest[0]["Description"] == f"Terminating EC2 instance: {victim}"  # in progress: first
    assert newest[0]["StatusCode"] == "WaitingForELBConnectionDraining"
    assert "EndTime" not in newest[0]
    assert newest[1]["Description"].startswith("Launching a new EC2 instance")
    assert "increasing the capacity from 3 to 4" in newest[1]["Cause"]
    aws.clock.advance(45)
    (done,) = [a for a in _all(tier) if a["ActivityId"] == newest[0]["ActivityId"]]
    assert done["StatusCode"] == "Successful"
    assert done["EndTime"] - done["StartTime"] == timedelta(seconds=45)


def test_pages_of_max_records_with_next_token_cover_every_activity_once(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2")
    aws.clock.advance(60)
    v2 = new_version(tier)
    for version in (v2, "1", v2):  # 24 replacements' worth of activities, and the first four
        _refresh(aws, tier, version)
    aws.clock.advance(300)
    everything = tier.asg.describe_scaling_activities(AutoScalingGroupName=tier.group)
    assert "NextToken" not in everything
    assert len(everything["Activities"]) == 4 + 3 * 8

    seen, token = [], None
    while True:
        page = tier.asg.describe_scaling_activities(
            AutoScalingGroupName=tier.group, MaxRecords=5, **({"NextToken": token} if token else {})
        )
        assert len(page["Activities"]) <= 5
        seen += page["Activities"]
        token = page.get("NextToken")
        if token is None:
            break
    assert [a["ActivityId"] for a in seen] == [a["ActivityId"] for a in everything["Activities"]]
    assert len({a["ActivityId"] for a in seen}) == len(seen)

    wanted = [a["ActivityId"] for a in seen[:3]]
    picked = tier.asg.describe_scaling_activities(ActivityIds=wanted)["Activities"]
    assert [a["ActivityId"] for a in picked] == wanted
    with pytest.raises(ClientError) as too_many:
        tier.asg.describe_scaling_activities(AutoScalingGroupName=tier.group, MaxRecords=101)
    assert too_many.value.response["Error"]["Code"] == "ValidationError"


def test_activities_of_a_deleted_group_need_include_deleted_groups(aws) -> None:
    tier = build_web_tier(aws, capacity=2, health_check_type="EC2")
    tier.asg.delete_auto_scaling_group(AutoScalingGroupName=tier.group, ForceDelete=True)
    assert tier.asg.describe_scaling_activities(AutoScalingGroupName=tier.group)["Activities"] == []
    kept = tier.asg.describe_scaling_activities(
        AutoScalingGroupName=tier.group, IncludeDeletedGroups=True
    )["Activities"]
    assert len(kept) == 2 and {a["AutoScalingGroupState"] for a in kept} == {"Deleted"}
