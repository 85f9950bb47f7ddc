"""Target health through boto3 (elbv2), compared with the Elastic Load Balancing user guide.

- A newly registered target is `initial` (`Elb.RegistrationInProgress`, then
  `Elb.InitialHealthChecking`) until it passes HealthyThresholdCount consecutive checks, one every
  HealthCheckIntervalSeconds; then `healthy` ("Health checks for your target groups").
- A target failing UnhealthyThresholdCount consecutive checks is `unhealthy`, with the reason,
  and passing HealthyThresholdCount again makes it `healthy`.
- A deregistered target is `draining` (`Target.DeregistrationInProgress`) for
  `deregistration_delay.timeout_seconds`, then no longer listed ("Deregistration delay"); asked for
  by id it is `unused` / `Target.NotRegistered`.
- Auto Scaling registers a group's instances with its target groups and deregisters them when it
  terminates them, scale-in included ("Use Elastic Load Balancing to distribute incoming
  application traffic in your Auto Scaling group").
"""

from __future__ import annotations

from asg_world import build_web_tier, instances, target_states

from tui.rehearsal.fidelity.elbv2 import target_health


def _health(tier, instance_id: str) -> dict[str, str]:
    described = tier.elbv2.describe_target_health(
        TargetGroupArn=tier.target_group_arn, Targets=[{"Id": instance_id}]
    )["TargetHealthDescriptions"][0]["TargetHealth"]
    return described


def test_a_new_target_is_initial_until_it_passes_the_healthy_threshold(aws) -> None:
    # interval 10 s, 2 passes needed: healthy after 20 s of world time
    tier = build_web_tier(aws, capacity=1, interval=10, healthy_threshold=2)
    (instance,) = [i["InstanceId"] for i in instances(tier)]
    assert _health(tier, instance)["State"] == "initial"
    assert _health(tier, instance)["Reason"] == "Elb.RegistrationInProgress"
    aws.clock.advance(10)
    assert _health(tier, instance) == {
        "State": "initial",
        "Reason": "Elb.InitialHealthChecking",
        "Description": "Initial health checks in progress",
    }
    aws.clock.advance(9)
    assert _health(tier, instance)["State"] == "initial"
    aws.clock.advance(1)
    assert _health(tier, instance) == {"State": "healthy"}


def test_unhealthy_when_the_world_says_so_and_healthy_again(aws) -> None:
    # EC2 health checks: with ELB ones the group would replace the sick instance as soon as its
    # target is unhealthy (autoscaling/test_health_replacement.py), before it could recover.
    tier = build_web_tier(
        aws,
        capacity=2,
        interval=10,
        healthy_threshold=3,
        unhealthy_threshold=2,
        health_check_type="EC2",
    )
    aws.clock.advance(60)
    sick, well = sorted(i["InstanceId"] for i in instances(tier))
    target_health.set_unhealthy(aws.time, sick, "Target.ResponseCodeMismatch", "Failed with 502")
    aws.clock.advance(19)
    assert _health(tier, sick)["State"] == "healthy"  # one failed check is not enough
    aws.clock.advance(1)
    assert _health(tier, sick) == {
        "State": "unhealthy",
        "Reason": "Target.ResponseCodeMismatch",
        "Description": "Failed with 502",
    }
    assert _health(tier, well)["State"] == "healthy"
    target_health.set_healthy(aws.time, sick)
    aws.clock.advance(29)
    assert _health(tier, sick)["State"] == "unhealthy"
    aws.clock.advance(1)
    assert _health(tier, sick)["State"] == "healthy"


def test_scale_in_drains_for_the_deregistration_delay_then_the_target_is_gone(aws) -> None:
    tier = build_web_tier(aws, capacity=2, deregistration_delay=30)
    aws.clock.advance(60)
    before = set(target_states(tier))
    tier.asg.set_desired_capacity(AutoScalingGroupName=tier.group, DesiredCapacity=1)
    (kept,) = [i["InstanceId"] for i in instances(tier)]
    (gone,) = before - {kept}
    assert target_states(tier) == {kept: "healthy", gone: "draining"}
    assert _health(tier, gone)["Reason"] == "Target.DeregistrationInProgress"
    aws.clock.advance(29)
    assert target_states(tier)[gone] == "draining"
    aws.clock.advance(1)
    assert target_states(tier) == {kept: "healthy"}
    assert _health(tier, gone) == {
        "State": "unused",
        "Reason": "Target.NotRegistered",
        "Description": "Target is not registered to the target group",
    }


def test_deregister_targets_drains_too(aws) -> None:
    tier = build_web_tier(aws, capacity=1, deregistration_delay=45)
    aws.clock.advance(60)
    (instance,) = [i["InstanceId"] for i in instances(tier)]
    tier.elbv2.deregister_targets(TargetGroupArn=tier.target_group_arn, Targets=[{"Id": instance}])
    assert target_states(tier) == {instance: "draining"}
    aws.clock.advance(45)
    aws.tick()  # the simulator's loop forgets finished drains too
    assert target_states(tier) == {}


def test_a_terminated_instance_drains_and_its_replacement_registers(aws) -> None:
    tier = build_web_tier(aws, capacity=1, deregistration_delay=30, interval=10)
    aws.clock.advance(60)
    (old,) = [i["InstanceId"] for i in instances(tier)]
    tier.ec2.terminate_instances(InstanceIds=[old])
    (new,) = [i["InstanceId"] for i in instances(tier)]
    assert new != old
    assert target_states(tier) == {old: "draining", new: "initial"}
    aws.clock.advance(30)
    assert target_states(tier) == {new: "healthy"}


def test_registering_again_while_draining_starts_over_at_initial(aws) -> None:
    tier = build_web_tier(aws, capacity=1, deregistration_delay=300)
    aws.clock.advance(60)
    (instance,) = [i["InstanceId"] for i in instances(tier)]
    arn = tier.target_group_arn
    tier.elbv2.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": instance}])
    aws.clock.advance(10)
    tier.elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": instance}])
    assert target_states(tier) == {instance: "initial"}


def test_state_of_knob_reads_what_the_load_balancer_sees(aws) -> None:
    tier = build_web_tier(aws, capacity=1)
    (instance,) = [i["InstanceId"] for i in instances(tier)]
    assert target_health.state_of(aws.time, instance)[tier.target_group_arn].state == "initial"
    assert not target_health.instance_is_healthy(aws.time, instance, [tier.target_group_arn])
    aws.clock.advance(60)
    assert target_health.instance_is_healthy(aws.time, instance, [tier.target_group_arn])
