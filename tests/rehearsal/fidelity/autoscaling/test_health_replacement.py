"""Auto Scaling health checks replace unhealthy instances, through boto3, as AWS documents.

Amazon EC2 Auto Scaling user guide, "Health checks for Auto Scaling instances":
- "If the instance is in any Amazon EC2 state other than running or if the system status is
  impaired, Amazon EC2 Auto Scaling considers the instance to be unhealthy and replaces it."
- "When a system status check fails, Amazon EC2 Auto Scaling waits a few minutes for AWS to fix
  the issue. It does not immediately mark instances as unhealthy when they have an impaired
  status. However, any instances that are not in the running state are immediately marked as
  unhealthy."
- "Instances for groups that use ELB health checks are considered healthy if they are in the
  running state and they are reported as healthy by the load balancer."
- "Amazon EC2 Auto Scaling creates a new scaling activity for terminating the unhealthy instance
  and then terminates it. Later, another scaling activity launches a new instance to replace the
  terminated instance."
- "Set the health check grace period": "The health check grace period specifies the minimum
  amount of time (in seconds) to keep a new instance in service before terminating it if it's
  found to be unhealthy."
- SetInstanceHealth: "Set to Unhealthy to have the instance be out of service. Amazon EC2 Auto
  Scaling terminates and replaces the unhealthy instance."
- Suspending ReplaceUnhealthy ("Suspend and resume processes") stops the replacement.
"""

from __future__ import annotations

from typing import Any

from asg_world import build_web_tier, instances, new_version

from tests.rehearsal.fidelity.autoscaling.refresh_driving import latest, run_until, start, versions
from tui.rehearsal.fidelity.autoscaling import health_replacement, scaling_activities
from tui.rehearsal.fidelity.ec2 import instance_status_checks
from tui.rehearsal.fidelity.elbv2 import target_health


def _ids(tier: Any) -> set[str]:
    return {i["InstanceId"] for i in instances(tier)}


def _termination_cause(tier: Any, instance_id: str) -> str:
    found = tier.asg.describe_scaling_activities(AutoScalingGroupName=tier.group)["Activities"]
    (cause,) = [
        a["Cause"] for a in found if a["Description"] == f"Terminating EC2 instance: {instance_id}"
    ]
    return cause


def test_an_elb_unhealthy_instance_is_terminated_and_replaced(aws) -> None:
    tier = build_web_tier(aws, interval=10, unhealthy_threshold=2, grace_period=60)
    aws.clock.advance(60)  # past the grace period
    sick = sorted(_ids(tier))[0]
    target_health.set_unhealthy(aws.time, sick)
    aws.clock.advance(20)  # two failed checks: the load balancer says `unhealthy`
    aws.clock.advance(health_replacement.CHECK_INTERVAL.seconds)
    assert sick not in _ids(tier)
    assert len(_ids(tier)) == 4  # the replacement keeps the desired capacity
    assert all(i["HealthStatus"] == "Healthy" for i in instances(tier))
    assert "in response to an ELB system health check failure" in _termination_cause(tier, sick)


def test_the_grace_period_keeps_a_new_instance_that_fails_its_checks(aws) -> None:
    tier = build_web_tier(aws, capacity=1, interval=10, unhealthy_threshold=2, grace_period=120)
    (sick,) = _ids(tier)
    target_health.set_unhealthy(aws.time, sick)  # failing from launch: unhealthy after 20 s
    aws.clock.advance(110)
    assert _ids(tier) == {sick}  # within its 120 s: kept
    aws.clock.advance(20)
    assert sick not in _ids(tier) and len(_ids(tier)) == 1


def test_an_impaired_instance_is_replaced_after_a_few_minutes(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2", grace_period=60)
    aws.clock.advance(60)
    sick = sorted(_ids(tier))[0]
    instance_status_checks.set_system_status_failed(aws.time, sick, True)
    aws.clock.advance(health_replacement.IMPAIRED_WAIT.seconds - 10)
    assert sick in _ids(tier)  # AWS waits for AWS to fix the host
    aws.clock.advance(10 + health_replacement.CHECK_INTERVAL.seconds)
    assert sick not in _ids(tier) and len(_ids(tier)) == 4
    assert "in response to an EC2 instance status check failure" in _termination_cause(tier, sick)


def test_a_stopped_instance_is_replaced_at_once_even_in_its_grace_period(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2", grace_period=600)
    stopped = sorted(_ids(tier))[0]
    tier.ec2.stop_instances(InstanceIds=[stopped])
    aws.clock.advance(health_replacement.CHECK_INTERVAL.seconds)
    assert stopped not in _ids(tier) and len(_ids(tier)) == 4
    assert "indicating it has been terminated or stopped" in _termination_cause(tier, stopped)


def test_set_instance_health_unhealthy_replaces_unless_replace_unhealthy_is_suspended(aws) -> None:
    tier = build_web_tier(aws, health_check_type="EC2", grace_period=10)
    aws.clock.advance(10)  # (moto makes a grace period of 0 one of 300 s)
    first, second = sorted(_ids(tier))[:2]
    tier.asg.set_instance_health(InstanceId=first, HealthStatus="Unhealthy")
    aws.clock.advance(health_replacement.CHECK_INTERVAL.seconds)
    assert first not in _ids(tier)
    assert "in response to a user health-check" in _termination_cause(tier, first)

    tier.asg.suspend_processes(
        AutoScalingGroupName=tier.group, ScalingProcesses=["ReplaceUnhealthy"]
    )
    tier.asg.set_instance_health(InstanceId=second, HealthStatus="Unhealthy")
    aws.clock.advance(600)
    health = {i["InstanceId"]: i["HealthStatus"] for i in instances(tier)}
    assert health[second] == "Unhealthy"  # marked, and kept while replacement is suspended


def test_a_refresh_in_progress_sees_the_replacement_and_refreshes_it_too(aws) -> None:
    tier = build_web_tier(aws, interval=10, unhealthy_threshold=2, grace_period=60)
    aws.clock.advance(60)
    v2 = new_version(tier)
    # The first quarter, then a 10-minute checkpoint: the refresh replaces nothing meanwhile.
    start(
        tier, v2, MinHealthyPercentage=75, InstanceWarmup=60, CheckpointPercentages=[25, 100],
        CheckpointDelay=600,
    )  # fmt: skip
    aws.clock.advance(120)
    assert "Checkpoint" in latest(tier).get("StatusReason", "")
    old = sorted(i["InstanceId"] for i in instances(tier) if i["LaunchTemplate"]["Version"] == "1")
    target_health.set_unhealthy(aws.time, old[0])
    aws.clock.advance(30)
    assert old[0] not in _ids(tier)  # the health check replaced it, checkpoint or not
    assert versions(tier).count("1") == 3  # with an instance on the group's own version 1
    done = run_until(aws, tier, {"Successful", "Failed"}, limit=2 * 3600)
    assert done["Status"] == "Successful"
    assert versions(tier) == [v2] * 4  # the refresh replaced the replacement too
    assert (done["PercentageComplete"], done["InstancesToUpdate"]) == (100, 0)
    activities = scaling_activities.activities(tier.group)
    health_terminations = [a for a in activities if "ELB system health check" in a.cause]
    assert [a.description for a in health_terminations] == [f"Terminating EC2 instance: {old[0]}"]
