"""autoscaling.instance_refresh and autoscaling.update_group against the rehearsal world.

Tests share one world per worker but each works on its own group (or leaves its group as it
found it), so they pass in any order and split across workers.
"""

from __future__ import annotations

from tests.aws.actions.driving import context, follow, make_step, world_fixture
from tests.rehearsal.world_drill import run_for
from tui.aws.actions.autoscaling import DRIVERS, InstanceRefreshDriver, UpdateGroupDriver
from tui.aws.protocol import CloudError
from tui.rehearsal import names

world = world_fixture("healthy")


def _group(world, name: str) -> dict:
    return world.clients.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name]
    )["AutoScalingGroups"][0]


def _versions(world, name: str) -> dict[str, str]:
    """Each InService instance of the group and the launch-template version it runs."""
    return {
        i["InstanceId"]: i["LaunchTemplate"]["Version"]
        for i in _group(world, name)["Instances"]
        if i["LifecycleState"] == "InService"
    }


def _version_on(world, template: str, image: str) -> str:
    """A version of `template` on `image`, made (and made the default) if there is none."""
    ec2 = world.clients.client("ec2")
    for version in ec2.describe_launch_template_versions(LaunchTemplateName=template)[
        "LaunchTemplateVersions"
    ]:
        if version["LaunchTemplateData"].get("ImageId") == image:
            number = str(version["VersionNumber"])
            break
    else:
        number = str(
            ec2.create_launch_template_version(
                LaunchTemplateName=template,
                SourceVersion="1",
                LaunchTemplateData={"ImageId": image},
            )["LaunchTemplateVersion"]["VersionNumber"]
        )
    ec2.modify_launch_template(LaunchTemplateName=template, DefaultVersion=number)
    return number


def _refreshes(world, group: str) -> list[dict]:
    return world.clients.client("autoscaling").describe_instance_refreshes(
        AutoScalingGroupName=group
    )["InstanceRefreshes"]


def _refresh_step(group: str, template: str, **extra):
    arguments = {
        "group": group,
        "launch_template": template,
        "version": "$Default",
        "min_healthy_percentage": 75,
        "instance_warmup": "60s",
        "timeout": "1h",
        **extra,
    }
    return make_step("autoscaling.instance_refresh", **arguments)


def test_the_module_offers_both_actions() -> None:
    assert set(DRIVERS) == {"autoscaling.instance_refresh", "autoscaling.update_group"}


def test_refresh_moves_every_instance_to_the_new_version_and_undo_brings_them_back(world):
    new = _version_on(world, names.WEB_LT, names.AMI_WEB_V2)
    step = _refresh_step(names.WEB_ASG, names.WEB_LT, checkpoints=[50, 100], checkpoint_delay="2m")
    driver = InstanceRefreshDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["launch_template"]["Version"] == "1"
    assert set(_versions(world, names.WEB_ASG).values()) == {"1"}

    started = driver.start()
    assert started.state == "running"
    request = _refreshes(world, names.WEB_ASG)[0]
    assert request["Preferences"]["MinHealthyPercentage"] == 75
    assert request["Preferences"]["CheckpointPercentages"] == [50, 100]
    assert request["Preferences"]["CheckpointDelay"] == 120
    assert request["Preferences"]["AutoRollback"] is True
    assert request["DesiredConfiguration"]["LaunchTemplate"]["Version"] == "$Default"

    final, seen = follow(world, driver.poll, interval=30, limit=3600)
    assert final.done, final
    assert any(p.detail["refresh"]["checkpoint"] == 50 for p in seen[:-1])
    assert any("checkpoint 50 % reached" in p.summary for p in seen)
    instances = final.detail["refresh"]["instances"]
    in_service = [i for i in instances if i["lifecycle"] == "InService"]
    assert len(in_service) == 4
    assert {i["image"] for i in in_service} == {names.AMI_WEB_V2}
    assert {i["zone"] for i in in_service} == set(names.ZONES)
    assert {i["health"] for i in in_service} == {"healthy"}  # the target group's view
    assert set(_versions(world, names.WEB_ASG).values()) == {new}

    # The refresh is over, so AWS cannot roll it back: undo refreshes back to version 1.
    undo = driver.undo(captured)
    assert undo.state == "running" and "Refresh back" in undo.summary
    final, _ = follow(world, driver.poll_undo, interval=30, limit=3600)
    assert final.done, final
    assert set(_versions(world, names.WEB_ASG).values()) == {"1"}
    assert _group(world, names.WEB_ASG)["LaunchTemplate"]["Version"] == "1"


def test_a_resumed_driver_follows_the_refresh_under_way_and_cancel_then_undo_go_back(world):
    _version_on(world, names.WEB_GREEN_LT, names.AMI_WEB_V1)
    step = _refresh_step(names.WEB_GREEN_ASG, names.WEB_GREEN_LT, min_healthy_percentage=50)
    first = InstanceRefreshDriver(context(world, step), step)
    captured = first.capture()
    assert not InstanceRefreshDriver(context(world, step), step).find_started(captured)
    first.start()
    run_for(world, 60, 30)

    # The session dies here; the engine resumes with a new driver and the captured record.
    resumed = InstanceRefreshDriver(context(world, step), step)
    assert resumed.find_started(captured)
    assert resumed.refresh_id == first.refresh_id
    assert resumed.poll().state == "running"
    # Starting again is refused by AWS, naming the group: never two refreshes.
    try:
        InstanceRefreshDriver(context(world, step), step).start()
    except CloudError as exc:
        assert exc.code == "InstanceRefreshInProgress" and names.WEB_GREEN_ASG in str(exc)
    else:
        raise AssertionError("a second refresh started")
    assert len(_refreshes(world, names.WEB_GREEN_ASG)) == 1

    resumed.cancel()
    assert _refreshes(world, names.WEB_GREEN_ASG)[0]["Status"] in ("Cancelling", "Cancelled")
    stopped, _ = follow(world, resumed.poll, interval=30, limit=600)
    assert stopped.failed and "Cancel" in stopped.reason

    # After a cancel AWS has nothing to roll back: undo waits for the cancellation to finish and
    # refreshes back to the version the instances ran before.
    resumed.undo(captured)
    final, _ = follow(world, resumed.poll_undo, interval=30, limit=3600)
    assert final.done, final
    assert set(_versions(world, names.WEB_GREEN_ASG).values()) == {"1"}
    assert len(_refreshes(world, names.WEB_GREEN_ASG)) == 2


def test_undo_while_the_refresh_runs_is_aws_rollback(world):
    _version_on(world, names.WEB_LT, names.AMI_WEB_V2)
    step = _refresh_step(names.WEB_ASG, names.WEB_LT)
    driver = InstanceRefreshDriver(context(world, step), step)
    captured = driver.capture()
    driver.start()
    progress, _ = follow(
        world, driver.poll, interval=30, limit=1800, until=lambda p: (p.percent or 0) >= 25
    )
    assert progress.state == "running" and progress.percent == 25
    assert "2" in _versions(world, names.WEB_ASG).values()

    undo = driver.undo(captured)
    assert undo.state == "running"
    assert _refreshes(world, names.WEB_ASG)[0]["Status"] == "RollbackInProgress"
    final, _ = follow(world, driver.poll_undo, interval=30, limit=3600)
    assert final.done and "RollbackSuccessful" in final.summary, final
    assert set(_versions(world, names.WEB_ASG).values()) == {"1"}


def test_an_alarm_fails_the_refresh_with_aws_reason_and_undo_follows_aws_rollback(world):
    _version_on(world, names.WEB_LT, names.AMI_WEB_V2)
    cloudwatch = world.clients.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="web-canary-errors",
        Namespace="Turnout/Test",
        MetricName="Errors",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
    )
    step = _refresh_step(names.WEB_ASG, names.WEB_LT, alarms=["web-canary-errors"])
    driver = InstanceRefreshDriver(context(world, step), step)
    captured = driver.capture()
    driver.start()
    ours = driver.refresh_id
    run_for(world, 120, 30)
    cloudwatch.put_metric_data(
        Namespace="Turnout/Test",
        MetricData=[{"MetricName": "Errors", "Value": 5.0, "Timestamp": world.clock.now()}],
    )
    failed, _ = follow(world, driver.poll, interval=30, limit=600)
    assert failed.failed
    assert "web-canary-errors" in failed.reason and "ALARM" in failed.reason

    driver.cancel()  # the engine cancels first: a rollback under way is left to finish
    driver.undo(captured)
    final, _ = follow(world, driver.poll_undo, interval=30, limit=3600)
    assert final.done, final
    assert set(_versions(world, names.WEB_ASG).values()) == {"1"}
    # AWS's rollback did it: turnout neither cancelled it nor started a refresh back.
    assert _refreshes(world, names.WEB_ASG)[0]["InstanceRefreshId"] == ours
    assert _refreshes(world, names.WEB_ASG)[0]["Status"] == "RollbackSuccessful"
    cloudwatch.delete_alarms(AlarmNames=["web-canary-errors"])


def test_refresh_without_a_template_keeps_the_configuration_and_turns_aws_rollback_off(world):
    step = make_step(
        "autoscaling.instance_refresh", group=names.BATCH_ASG, min_healthy_percentage=50
    )
    driver = InstanceRefreshDriver(context(world, step), step)
    driver.capture()
    progress = driver.start()
    request = _refreshes(world, names.BATCH_ASG)[0]
    assert "DesiredConfiguration" not in request
    assert request["Preferences"]["AutoRollback"] is False
    assert "auto rollback is off" in progress.detail["refresh"]["notes"][0]
    final, _ = follow(world, driver.poll, interval=30, limit=3600)
    assert final.done, final


def test_update_group_sets_the_spot_policy_and_undo_puts_the_old_one_back(world):
    before = _group(world, names.BATCH_ASG)
    step = make_step(
        "autoscaling.update_group",
        group=names.BATCH_ASG,
        launch_template=names.BATCH_LT,
        version="1",
        desired_capacity=5,
        on_demand_base_capacity=2,
        on_demand_percentage_above_base=50,
        spot_allocation_strategy="capacity-optimized",
        instance_types=["m5.large", "m5a.large", "m6i.large"],
    )
    driver = UpdateGroupDriver(context(world, step), step)
    captured = driver.capture()
    assert not driver.find_started(captured)
    progress = driver.start()
    assert progress.done
    after = _group(world, names.BATCH_ASG)
    policy = after["MixedInstancesPolicy"]
    assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == [
        "m5.large",
        "m5a.large",
        "m6i.large",
    ]
    assert policy["InstancesDistribution"]["OnDemandBaseCapacity"] == 2
    assert policy["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"] == 50
    assert policy["InstancesDistribution"]["SpotAllocationStrategy"] == "capacity-optimized"
    assert after["DesiredCapacity"] == 5
    assert "capacity-optimized" in progress.summary
    assert UpdateGroupDriver(context(world, step), step).find_started(captured)

    assert driver.undo(captured).done
    restored = _group(world, names.BATCH_ASG)
    assert restored["DesiredCapacity"] == before["DesiredCapacity"]
    assert restored["MinSize"] == before["MinSize"] and restored["MaxSize"] == before["MaxSize"]
    assert restored["MixedInstancesPolicy"] == before["MixedInstancesPolicy"]


def test_update_group_of_an_unknown_group_names_it(world):
    step = make_step("autoscaling.update_group", group="no-such-asg", max_size=3)
    try:
        UpdateGroupDriver(context(world, step), step).capture()
    except CloudError as exc:
        assert exc.code == "NotFound" and str(exc).startswith(
            "no Auto Scaling group 'no-such-asg' in region us-east-1: check the name"
        )
    else:
        raise AssertionError("no error for a missing group")
