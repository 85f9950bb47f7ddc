"""An instance refresh rolled back keeps its healthy floor, and reports progress as AWS does.

AWS documents (Amazon EC2 Auto Scaling API reference and user guide):
- RefreshPreferences.MinHealthyPercentage: "Specifies the minimum percentage of the group to
  keep in service, healthy, and ready to use to support your workload to allow the operation to
  continue." A rollback is that operation going back: RollbackInstanceRefresh "Cancels an
  instance refresh that is in progress and rolls back any changes that it made. Amazon EC2 Auto
  Scaling replaces any instances that were replaced during the instance refresh."
- InstanceRefresh.PercentageComplete: "PercentageComplete does not include instances that are
  replaced during a rollback. This value gradually goes back down to zero during a rollback."
- InstanceRefresh.InstancesToUpdate: "If you roll back the instance refresh, InstancesToUpdate
  shows you the number of instances that were not yet updated by the instance refresh."
- RollbackDetails.PercentageCompleteOnRollback / InstancesToUpdateOnRollback: "Indicates the
  value of PercentageComplete [InstancesToUpdate] at the time the rollback started."
"""

from __future__ import annotations

from typing import Any

import pytest
from asg_world import build_web_tier, new_version, target_states

from tests.rehearsal.fidelity.autoscaling.refresh_driving import latest, run_until, start, versions


def _seeded_like_tier(aws: Any) -> Any:
    """web-asg as the world seeds it: ELB health checks every 30 s, healthy after 5 passes
    (a new target is `initial` for 150 s, longer than the 60 s warmup)."""
    tier = build_web_tier(aws, interval=30, healthy_threshold=5)
    aws.clock.advance(200)
    return tier


def _healthy(tier: Any) -> int:
    return sum(1 for state in target_states(tier).values() if state == "healthy")


@pytest.mark.parametrize("how", ["manual", "auto"])
def test_a_rollback_mid_batch_keeps_min_healthy_and_counts_back_down(aws, how: str) -> None:
    tier = _seeded_like_tier(aws)
    v2 = new_version(tier)
    extra: dict[str, Any] = {}
    if how == "auto":
        tier.cloudwatch.put_metric_alarm(
            AlarmName="web-5xx",
            MetricName="HTTPCode_Target_5XX_Count",
            Namespace="AWS/ApplicationELB",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=10,
            ComparisonOperator="GreaterThanThreshold",
        )
        extra = {"AutoRollback": True, "AlarmSpecification": {"Alarms": ["web-5xx"]}}
    start(tier, v2, MinHealthyPercentage=50, InstanceWarmup=60, **extra)
    # 160 s in: the first batch of two is new and counted (50 %), the second batch is launched
    # and still `initial` behind the load balancer: two instances serve, the floor of 50 %.
    aws.clock.advance(160)
    before = latest(tier)
    assert (before["Status"], before["PercentageComplete"], _healthy(tier)) == ("InProgress", 50, 2)
    if how == "manual":
        tier.asg.rollback_instance_refresh(AutoScalingGroupName=tier.group)
    else:
        tier.cloudwatch.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="5xx")

    lowest, percentages, at_start = 4, [], set()

    def sample(refresh: dict[str, Any]) -> None:
        nonlocal lowest
        lowest = min(lowest, _healthy(tier))
        percentages.append(refresh["PercentageComplete"])
        details = refresh["RollbackDetails"]
        at_start.add(
            (
                details["PercentageCompleteOnRollback"],
                details["InstancesToUpdateOnRollback"],
                refresh["InstancesToUpdate"],
            )
        )

    done = run_until(aws, tier, {"RollbackSuccessful", "RollbackFailed"}, sample=sample)

    assert done["Status"] == "RollbackSuccessful"
    assert lowest >= 2, "the rollback went below MinHealthyPercentage (2 of 4)"
    assert percentages[-1] == 0 and max(percentages) <= 50
    assert percentages == sorted(percentages, reverse=True)  # only ever down
    assert at_start == {(50, 2, 2)}  # the refresh's progress when the rollback began, throughout
    live = done["RollbackDetails"]["ProgressDetailsOnRollback"]["LivePoolProgress"]
    assert live == {"PercentageComplete": 100, "InstancesToUpdate": 0}
    assert versions(tier) == ["1"] * 4


def test_a_refresh_back_after_cancel_keeps_min_healthy(aws) -> None:
    """What turnout does when AWS cannot roll back ($Default): cancel, then a refresh towards
    the old version. It starts while replacements are still `initial`: they go first."""
    tier = _seeded_like_tier(aws)
    v2 = new_version(tier)
    start(tier, v2, MinHealthyPercentage=50, InstanceWarmup=60)
    aws.clock.advance(160)
    tier.asg.cancel_instance_refresh(
        AutoScalingGroupName=tier.group, WaitForTransitioningInstances=False
    )
    run_until(aws, tier, {"Cancelled"})
    assert _healthy(tier) == 2
    start(tier, "1", MinHealthyPercentage=50, InstanceWarmup=60, SkipMatching=True)
    lowest = 4

    def sample(_refresh: dict[str, Any]) -> None:
        nonlocal lowest
        lowest = min(lowest, _healthy(tier))

    done = run_until(aws, tier, {"Successful", "Failed"}, sample=sample)
    assert done["Status"] == "Successful"
    assert lowest >= 2
    assert versions(tier) == ["1"] * 4
