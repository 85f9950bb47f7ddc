"""Instance refresh through boto3, in process and over the server, against what AWS documents.

What AWS documents (Amazon EC2 Auto Scaling user guide and API reference) and each test checks:
- StartInstanceRefresh returns an InstanceRefreshId; DescribeInstanceRefreshes shows it Pending,
  then InProgress, with PercentageComplete / InstancesToUpdate, and Successful at the end, when
  the group takes the DesiredConfiguration ("How an instance refresh works").
- MinHealthyPercentage is the share of desired capacity (rounded up) kept in service and healthy;
  a new instance counts after its warmup ("RefreshPreferences"). MaxHealthyPercentage above 100
  launches replacements before terminating.
- Checkpoints pause the refresh for CheckpointDelay once that share is new ("Add checkpoints").
- A second StartInstanceRefresh while one is active fails with InstanceRefreshInProgress.
- Cancel: Cancelling then Cancelled; replaced instances are not rolled back ("Cancel an instance
  refresh"); with nothing active, ActiveInstanceRefreshNotFound.
- Rollback: replaces what was deployed so far with the configuration saved on the group before the
  refresh; not possible without a desired configuration or with $Latest/$Default
  (IrreversibleInstanceRefresh); AutoRollback rolls back when an alarm goes into ALARM ("Undo
  changes with a manual or auto rollback"), and without it the refresh fails (the alarm cases are
  in test_instance_refresh_alarms.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from asg_world import AMI_V1, AMI_V2, instances, new_version
from botocore.exceptions import ClientError

from tests.rehearsal.fidelity.autoscaling.refresh_driving import (
    STEP,
    latest,
    run_until,
    settled_tier,
    start,
    versions,
)


def test_min_healthy_75_keeps_3_of_4_in_service_and_ends_on_the_new_version(aws) -> None:
    tier = settled_tier(aws)
    v2 = new_version(tier)
    refresh_id = start(tier, v2, MinHealthyPercentage=75, InstanceWarmup=60)
    started = aws.clock.now()
    first = latest(tier)
    assert (first["InstanceRefreshId"], first["Status"]) == (refresh_id, "Pending")
    assert first["StartTime"] == started

    lowest = {"in_service": 4, "healthy_targets": 4}
    seen_statuses: list[str] = []

    def sample(refresh: dict[str, Any]) -> None:
        seen_statuses.append(refresh["Status"])
        in_service = [i for i in instances(tier) if i["LifecycleState"] == "InService"]
        health = tier.elbv2.describe_target_health(TargetGroupArn=tier.target_group_arn)
        healthy = [
            d for d in health["TargetHealthDescriptions"] if d["TargetHealth"]["State"] == "healthy"
        ]
        lowest["in_service"] = min(lowest["in_service"], len(in_service))
        lowest["healthy_targets"] = min(lowest["healthy_targets"], len(healthy))

    done = run_until(aws, tier, {"Successful", "Failed"}, sample=sample)

    assert done["Status"] == "Successful"
    # Never fewer than 3 of 4 serving, and exactly 3 at the low point: it did replace, one by one.
    assert lowest["healthy_targets"] == 3
    assert lowest["in_service"] >= 3
    assert "InProgress" in seen_statuses
    assert (done["PercentageComplete"], done["InstancesToUpdate"]) == (100, 0)
    # One instance at a time, each counted after 60 s of warmup: four batches, not one.
    assert (done["EndTime"] - done["StartTime"]).total_seconds() >= 4 * 60
    assert versions(tier) == [v2] * 4
    ids = [i["InstanceId"] for i in instances(tier)]
    described = tier.ec2.describe_instances(InstanceIds=ids)["Reservations"]
    assert {i["ImageId"] for r in described for i in r["Instances"]} == {AMI_V2}
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])
    assert group["AutoScalingGroups"][0]["LaunchTemplate"]["Version"] == v2


def test_progress_follows_the_world_clock_not_the_number_of_calls(aws) -> None:
    tier = settled_tier(aws)
    start(tier, new_version(tier), MinHealthyPercentage=75, InstanceWarmup=60)
    for _ in range(20):  # asking often changes nothing while time stands still
        assert latest(tier)["Status"] == "Pending"
    aws.clock.advance(3600)  # one question after an hour: the whole refresh happened meanwhile
    done = latest(tier)
    assert done["Status"] == "Successful"
    assert (done["EndTime"] - done["StartTime"]).total_seconds() < 600


def test_max_healthy_150_launches_before_it_terminates(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    start(tier, v2, MinHealthyPercentage=100, MaxHealthyPercentage=150, InstanceWarmup=30)
    counts: list[int] = []
    run_until(
        aws,
        tier,
        {"Successful", "Failed"},
        sample=lambda _r: counts.append(len(instances(tier))),
    )
    assert min(counts) == 4 and max(counts) == 6  # never below desired, never above 150 %
    assert versions(tier) == [v2] * 4


def test_checkpoints_pause_for_their_delay(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    start(
        tier,
        v2,
        MinHealthyPercentage=50,
        InstanceWarmup=30,
        CheckpointPercentages=[50, 100],
        CheckpointDelay=600,
    )
    paused = None
    for _ in range(60):
        paused = latest(tier)
        if paused.get("StatusReason", "").startswith("Checkpoint"):
            break
        aws.clock.advance(STEP)
    assert paused is not None and paused["Status"] == "InProgress"
    assert paused["PercentageComplete"] == 50
    assert versions(tier) == ["1", "1", v2, v2]
    aws.clock.advance(590)  # still inside the 600 s delay: nothing moves
    assert versions(tier) == ["1", "1", v2, v2]
    assert latest(tier)["PercentageComplete"] == 50
    aws.clock.advance(10)
    done = run_until(aws, tier, {"Successful", "Failed"})
    assert done["Status"] == "Successful"
    assert versions(tier) == [v2] * 4


def test_a_second_start_is_refused_while_one_is_active(aws) -> None:
    tier = settled_tier(aws)
    v2 = new_version(tier)
    start(tier, v2)
    with pytest.raises(ClientError) as refused:
        start(tier, v2)
    assert refused.value.response["Error"]["Code"] == "InstanceRefreshInProgress"
    assert len(tier.asg.describe_instance_refreshes(AutoScalingGroupName=tier.group)[
        "InstanceRefreshes"
    ]) == 1  # fmt: skip


def test_cancel_stops_replacing_and_keeps_what_was_replaced(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    refresh_id = start(tier, v2, MinHealthyPercentage=75, InstanceWarmup=60)
    aws.clock.advance(70)  # the first instance is replaced and warmed; the second is warming
    assert versions(tier) == ["1", "1", v2, v2]
    answer = tier.asg.cancel_instance_refresh(AutoScalingGroupName=tier.group)
    assert answer["InstanceRefreshId"] == refresh_id
    assert latest(tier)["Status"] == "Cancelling"  # waits for the warming instance by default
    done = run_until(aws, tier, {"Cancelled"})
    assert done["EndTime"] is not None
    aws.clock.advance(1800)
    assert versions(tier) == ["1", "1", v2, v2]  # nothing rolled back, nothing more replaced
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])
    assert group["AutoScalingGroups"][0]["LaunchTemplate"]["Version"] == "1"
    with pytest.raises(ClientError) as nothing:
        tier.asg.cancel_instance_refresh(AutoScalingGroupName=tier.group)
    assert nothing.value.response["Error"]["Code"] == "ActiveInstanceRefreshNotFound"


def test_rollback_puts_every_instance_back_on_the_previous_version(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    start(tier, v2, MinHealthyPercentage=75, InstanceWarmup=60)
    aws.clock.advance(130)
    assert versions(tier).count(v2) >= 2
    before = latest(tier)
    tier.asg.rollback_instance_refresh(AutoScalingGroupName=tier.group)
    rolling = latest(tier)
    assert rolling["Status"] == "RollbackInProgress"
    assert rolling["RollbackDetails"]["RollbackReason"]
    assert rolling["RollbackDetails"]["RollbackStartTime"] == aws.clock.now()
    assert rolling["RollbackDetails"]["InstancesToUpdateOnRollback"] >= 2
    done = run_until(aws, tier, {"RollbackSuccessful", "RollbackFailed"})
    assert done["Status"] == "RollbackSuccessful"
    rollback = done["RollbackDetails"]
    assert rollback["PercentageCompleteOnRollback"] == before["PercentageComplete"]  # at start
    assert rollback["ProgressDetailsOnRollback"]["LivePoolProgress"]["PercentageComplete"] == 100
    assert done["PercentageComplete"] == 0  # back down to zero (test_instance_refresh_rollback.py)
    assert versions(tier) == ["1"] * 4
    ids = [i["InstanceId"] for i in instances(tier)]
    described = tier.ec2.describe_instances(InstanceIds=ids)["Reservations"]
    assert {i["ImageId"] for r in described for i in r["Instances"]} == {AMI_V1}
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])
    assert group["AutoScalingGroups"][0]["LaunchTemplate"]["Version"] == "1"


def test_rollback_is_refused_without_a_desired_configuration(aws) -> None:
    tier = settled_tier(aws)
    start(tier)  # replace instances on the group's own configuration
    with pytest.raises(ClientError) as refused:
        tier.asg.rollback_instance_refresh(AutoScalingGroupName=tier.group)
    assert refused.value.response["Error"]["Code"] == "IrreversibleInstanceRefresh"


def test_auto_rollback_needs_a_numbered_version_on_the_group(aws) -> None:
    tier = settled_tier(aws, version="$Latest")
    with pytest.raises(ClientError) as refused:
        start(tier, new_version(tier), AutoRollback=True)
    assert refused.value.response["Error"]["Code"] == "ValidationError"


def test_rollback_with_nothing_active_is_refused(aws) -> None:
    tier = settled_tier(aws)
    with pytest.raises(ClientError) as refused:
        tier.asg.rollback_instance_refresh(AutoScalingGroupName=tier.group)
    assert refused.value.response["Error"]["Code"] == "ActiveInstanceRefreshNotFound"


def test_skip_matching_leaves_instances_already_on_the_desired_version(aws) -> None:
    tier = settled_tier(aws)
    before = sorted(i["InstanceId"] for i in instances(tier))
    start(tier, "1", SkipMatching=True)
    done = run_until(aws, tier, {"Successful", "Failed"}, limit=60)
    assert done["Status"] == "Successful"
    assert sorted(i["InstanceId"] for i in instances(tier)) == before


def test_bake_time_holds_the_refresh_in_baking(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    start(tier, v2, MinHealthyPercentage=0, InstanceWarmup=30, BakeTime=300)
    baking = run_until(aws, tier, {"Baking", "Successful"})
    assert baking["Status"] == "Baking"
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])
    assert group["AutoScalingGroups"][0]["LaunchTemplate"]["Version"] == "1"  # not yet
    aws.clock.advance(300)
    assert latest(tier)["Status"] == "Successful"


def test_protected_instances_are_ignored_or_waited_for(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    protected = instances(tier)[0]["InstanceId"]
    tier.asg.set_instance_protection(
        AutoScalingGroupName=tier.group, InstanceIds=[protected], ProtectedFromScaleIn=True
    )
    start(tier, v2, MinHealthyPercentage=50, InstanceWarmup=30)  # default: Wait
    waiting = run_until(aws, tier, {"Failed", "Successful"}, limit=2 * 3600, step=120)
    assert waiting["Status"] == "Failed"  # AWS waits one hour for the protection to go
    assert (waiting["EndTime"] - waiting["StartTime"]).total_seconds() >= 3600
    assert protected in [i["InstanceId"] for i in instances(tier)]

    start(tier, v2, MinHealthyPercentage=50, InstanceWarmup=30, ScaleInProtectedInstances="Ignore")
    done = run_until(aws, tier, {"Failed", "Successful"})
    assert done["Status"] == "Successful"
    assert protected in [i["InstanceId"] for i in instances(tier)]


def test_unknown_group_is_a_validation_error(aws) -> None:
    asg = aws.client("autoscaling")
    with pytest.raises(ClientError) as refused:
        asg.start_instance_refresh(AutoScalingGroupName="no-such-asg")
    assert refused.value.response["Error"]["Code"] == "ValidationError"


def test_a_mixed_instances_policy_becomes_the_group_configuration(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    v2 = new_version(tier)
    policy = {
        "LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateName": "web-lt", "Version": v2},
            "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3.small"}],
        },
        "InstancesDistribution": {"OnDemandBaseCapacity": 1},
    }
    tier.asg.start_instance_refresh(
        AutoScalingGroupName=tier.group,
        DesiredConfiguration={"MixedInstancesPolicy": policy},
        Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 30},
    )
    done = run_until(aws, tier, {"Successful", "Failed"})
    assert done["Status"] == "Successful"
    assert done["DesiredConfiguration"]["MixedInstancesPolicy"]["LaunchTemplate"][
        "LaunchTemplateSpecification"
    ]["Version"] == v2  # fmt: skip
    group = tier.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[tier.group])[
        "AutoScalingGroups"
    ][0]  # fmt: skip
    assert "LaunchTemplate" not in group  # AWS shows a mixed-instances group without one
    spec = group["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    assert (spec["LaunchTemplateId"], spec["Version"]) == (tier.template_id, v2)
    assert versions(tier) == [v2] * 4
