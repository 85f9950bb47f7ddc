"""Alarm actions carried out, checked against the CloudWatch and EC2 documentation.

Documented behaviour checked (CloudWatch User Guide, "Create alarms to stop, terminate, reboot,
or recover an EC2 instance" and "Using Amazon CloudWatch alarms"; SetAlarmState API reference):
- a StatusCheckFailed_System alarm with `arn:aws:automate:<region>:ec2:recover` recovers the
  instance when it goes to ALARM: same instance id, still running, the system status check
  `ok` again; the recovery is recorded with its time and as an Action history item;
- `...:ec2:stop`, `...:ec2:terminate` and `...:ec2:reboot` act on the alarm's InstanceId;
- an SNS topic action publishes the alarm notification to the topic's subscribers;
- actions run only on a state change, and not when ActionsEnabled is false or actions were
  disabled with DisableAlarmActions;
- SetAlarmState runs the actions of the state it sets ("the action configured for the
  appropriate state is invoked");
- alarms based on math expressions cannot perform EC2 actions.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.cloudwatch import alarm_actions
from tui.rehearsal.fidelity.ec2 import instance_status_checks

AMI = "ami-12c6146b"  # any id: moto does not check that the image exists


def launch(aws: Any) -> str:
    ec2 = aws.client("ec2")
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def ec2_alarm(aws: Any, instance_id: str, action: str, **overrides: Any) -> None:
    spec = {
        "AlarmName": f"{action}-{instance_id}",
        "Namespace": "AWS/EC2",
        "MetricName": "StatusCheckFailed_System",
        "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
        "Statistic": "Maximum",
        "Period": 60,
        "EvaluationPeriods": 2,
        "Threshold": 0.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": [f"arn:aws:automate:us-east-1:ec2:{action}"],
        **overrides,
    }
    aws.client("cloudwatch").put_metric_alarm(**spec)


def system_status(aws: Any, instance_id: str) -> str:
    statuses = aws.client("ec2").describe_instance_status(InstanceIds=[instance_id])
    return statuses["InstanceStatuses"][0]["SystemStatus"]["Status"]


def test_recover_action_recovers_an_impaired_instance(aws: Any) -> None:
    instance_id = launch(aws)
    ec2_alarm(aws, instance_id, "recover")
    instance_status_checks.set_system_status_failed(aws.time, instance_id, True)
    failed_at = aws.clock.now()
    assert system_status(aws, instance_id) == "impaired"

    for _ in range(4):  # two failed minutes must end before the alarm fires
        aws.clock.advance(60)
        aws.tick()
    (recovery,) = alarm_actions.recoveries()
    assert recovery.instance_id == instance_id
    assert failed_at < recovery.at.replace(tzinfo=failed_at.tzinfo) <= aws.clock.now()
    assert system_status(aws, instance_id) == "ok"
    (instance,) = aws.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][
        0
    ]["Instances"]
    assert instance["State"]["Name"] == "running"

    cw = aws.client("cloudwatch")
    actions = cw.describe_alarm_history(
        AlarmName=f"recover-{instance_id}", HistoryItemType="Action"
    )["AlarmHistoryItems"]
    assert [a["HistorySummary"] for a in actions] == [
        "Successfully executed action arn:aws:automate:us-east-1:ec2:recover"
    ]
    for _ in range(3):  # healthy again: the alarm returns to OK
        aws.clock.advance(60)
    alarm = cw.describe_alarms(AlarmNames=[f"recover-{instance_id}"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "OK"
    assert len(alarm_actions.recoveries()) == 1, "actions run on a state change, once"


def launch_many(aws: Any, count: int) -> list[str]:
    ec2 = aws.client("ec2")
    reservation = ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count)
    return [i["InstanceId"] for i in reservation["Instances"]]


def instance_state(aws: Any, instance_id: str) -> str:
    described = aws.client("ec2").describe_instances(InstanceIds=[instance_id])
    return described["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_stop_terminate_and_reboot_actions(aws: Any) -> None:
    ids = dict(zip(["stop", "terminate", "reboot"], launch_many(aws, 3), strict=True))
    cw = aws.client("cloudwatch")
    for action, instance_id in ids.items():
        ec2_alarm(aws, instance_id, action)
        cw.set_alarm_state(
            AlarmName=f"{action}-{instance_id}", StateValue="ALARM", StateReason="drill"
        )
    assert instance_state(aws, ids["stop"]) == "stopped"
    assert instance_state(aws, ids["terminate"]) == "terminated"
    assert instance_state(aws, ids["reboot"]) == "running"
    done = {(r.kind, r.instance_id, r.succeeded) for r in alarm_actions.performed()}
    assert done == {(action, instance_id, True) for action, instance_id in ids.items()}


def test_disabled_actions_do_not_run(aws: Any) -> None:
    disabled_at_creation, disabled_later = launch_many(aws, 2)
    cw = aws.client("cloudwatch")
    ec2_alarm(aws, disabled_at_creation, "stop", ActionsEnabled=False)
    ec2_alarm(aws, disabled_later, "stop")
    cw.disable_alarm_actions(AlarmNames=[f"stop-{disabled_later}"])
    for instance_id in (disabled_at_creation, disabled_later):
        cw.set_alarm_state(AlarmName=f"stop-{instance_id}", StateValue="ALARM", StateReason="drill")
        assert instance_state(aws, instance_id) == "running"
    assert alarm_actions.performed() == []


def test_recover_is_refused_on_a_metric_other_than_system_status(aws: Any) -> None:
    instance_id = launch(aws)
    ec2_alarm(aws, instance_id, "recover", MetricName="CPUUtilization")
    cw = aws.client("cloudwatch")
    cw.set_alarm_state(AlarmName=f"recover-{instance_id}", StateValue="ALARM", StateReason="x")
    (record,) = alarm_actions.performed()
    assert not record.succeeded and "StatusCheckFailed_System" in record.detail
    (item,) = cw.describe_alarm_history(HistoryItemType="Action")["AlarmHistoryItems"]
    assert item["HistorySummary"].startswith("Failed to execute action")


def test_sns_action_notifies_subscribers(aws: Any) -> None:
    sns, sqs = aws.client("sns"), aws.client("sqs")
    topic = sns.create_topic(Name="pager")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="pager-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    cw = aws.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName="queue-depth",
        Namespace="Shop/Queue",
        MetricName="Depth",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=100.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    cw.put_metric_data(Namespace="Shop/Queue", MetricData=[{"MetricName": "Depth", "Value": 900.0}])
    aws.clock.advance(60)
    assert (
        cw.describe_alarms(AlarmNames=["queue-depth"])["MetricAlarms"][0]["StateValue"] == "ALARM"
    )
    (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    notification = json.loads(json.loads(message["Body"])["Message"])
    assert notification["AlarmName"] == "queue-depth"
    assert (notification["OldStateValue"], notification["NewStateValue"]) == (
        "INSUFFICIENT_DATA",
        "ALARM",
    )


def test_math_alarms_cannot_perform_ec2_actions(aws: Any) -> None:
    with pytest.raises(ClientError) as err:
        aws.client("cloudwatch").put_metric_alarm(
            AlarmName="math-recover",
            Metrics=[
                {
                    "Id": "m1",
                    "MetricStat": {
                        "Metric": {"Namespace": "AWS/EC2", "MetricName": "StatusCheckFailed"},
                        "Period": 60,
                        "Stat": "Maximum",
                    },
                    "ReturnData": False,
                },
                {"Id": "e1", "Expression": "m1 * 2", "ReturnData": True},
            ],
            EvaluationPeriods=1,
            Threshold=0.0,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"],
        )
    assert err.value.response["Error"]["Code"] == "ValidationError"
