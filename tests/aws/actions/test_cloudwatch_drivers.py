"""cloudwatch.put_alarm against the rehearsal world: a new alarm, and a changed one."""

from __future__ import annotations

from tests.aws.actions.driving import context, make_step, world_fixture
from tui.aws.actions.cloudwatch import DRIVERS, PutAlarmDriver
from tui.rehearsal import names

world = world_fixture("healthy")
TOPIC = f"arn:aws:sns:{names.REGION}:{names.ACCOUNT}:{names.ONCALL_TOPIC}"


def _alarm(world, name: str) -> dict | None:
    found = world.clients.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return found[0] if found else None


def _recover_step(**extra):
    arguments = {
        "name": "reports-1-auto-recover",
        "namespace": "AWS/EC2",
        "metric": "StatusCheckFailed_System",
        "instance": names.REPORTS_INSTANCE,
        "threshold": 1,
        "ec2_action": "recover",
        "notify": [TOPIC],
    }
    return make_step("cloudwatch.put_alarm", **{**arguments, **extra})


def test_the_module_offers_put_alarm() -> None:
    assert set(DRIVERS) == {"cloudwatch.put_alarm"}


def test_a_new_recover_alarm_is_created_and_undo_deletes_it(world) -> None:
    step = _recover_step()
    driver = PutAlarmDriver(context(world), step)
    captured = driver.capture()
    assert captured["previous"] is None
    assert not PutAlarmDriver(context(world), step).find_started(captured)

    progress = driver.start()
    assert progress.done
    alarm = _alarm(world, "reports-1-auto-recover")
    reports = world.clients.client("ec2").describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [names.REPORTS_INSTANCE]}]
    )["Reservations"][0]["Instances"][0]["InstanceId"]
    assert alarm["Dimensions"] == [{"Name": "InstanceId", "Value": reports}]
    assert alarm["AlarmActions"] == ["arn:aws:automate:us-east-1:ec2:recover", TOPIC]
    assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Maximum", 60, 2)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert "ec2:recover" in progress.summary

    assert PutAlarmDriver(context(world), step).find_started(captured)  # a resumed session
    assert driver.undo(captured).done
    assert _alarm(world, "reports-1-auto-recover") is None


def test_changing_an_existing_alarm_and_undo_restores_its_old_definition(world) -> None:
    cloudwatch = world.clients.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="api-cpu-high",
        AlarmDescription="the old one",
        Namespace="AWS/ECS",
        MetricName="CPUUtilization",
        Dimensions=[
            {"Name": "ClusterName", "Value": names.ECS_CLUSTER},
            {"Name": "ServiceName", "Value": names.ECS_SERVICE},
        ],
        Statistic="Average",
        Period=300,
        EvaluationPeriods=3,
        Threshold=90,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[TOPIC],
    )
    before = _alarm(world, "api-cpu-high")
    step = make_step(
        "cloudwatch.put_alarm",
        name="api-cpu-high",
        namespace="AWS/ECS",
        metric="CPUUtilization",
        stat="Average",
        dimensions={"ClusterName": names.ECS_CLUSTER, "ServiceName": names.ECS_SERVICE},
        threshold=75,
        period="1m",
        comparison="GreaterThanThreshold",
    )
    driver = PutAlarmDriver(context(world), step)
    captured = driver.capture()
    assert captured["previous"]["Threshold"] == 90
    assert not driver.find_started(captured)  # the alarm exists, but not as the step puts it
    driver.start()
    changed = _alarm(world, "api-cpu-high")
    assert (changed["Threshold"], changed["Period"], changed["AlarmActions"]) == (75, 60, [])

    assert driver.undo(captured).done
    after = _alarm(world, "api-cpu-high")
    for key in ("AlarmDescription", "Threshold", "Period", "EvaluationPeriods", "AlarmActions"):
        assert after[key] == before[key], key
    assert after["Dimensions"] == before["Dimensions"]
