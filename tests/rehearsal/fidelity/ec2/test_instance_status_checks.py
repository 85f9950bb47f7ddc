"""EC2 status checks the world can fail, checked against the EC2 documentation.

Documented behaviour checked (EC2 User Guide, "Status checks for your instances" and "Status
check metrics"): DescribeInstanceStatus reports a failed system check as SystemStatus
`impaired` with the `reachability` detail `failed` and ImpairedSince; the instance check is
independent; EC2 publishes StatusCheckFailed_System, StatusCheckFailed_Instance and
StatusCheckFailed (0 or 1, each minute, dimension InstanceId, namespace AWS/EC2) for running
instances only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tui.rehearsal.fidelity.ec2 import instance_status_checks

AMI = "ami-12c6146b"  # any id: moto does not check that the image exists


def test_a_failed_system_check_shows_in_describe_instance_status(aws: Any) -> None:
    ec2 = aws.client("ec2")
    sick, healthy = [
        i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"]
    ]
    instance_status_checks.set_system_status_failed(aws.time, sick, True)
    instance_status_checks.set_instance_status_failed(aws.time, healthy, True)
    statuses = {
        s["InstanceId"]: s
        for s in ec2.describe_instance_status(InstanceIds=[sick, healthy])["InstanceStatuses"]
    }
    system = statuses[sick]["SystemStatus"]
    assert system["Status"] == "impaired"
    assert system["Details"][0]["Status"] == "failed"
    assert system["Details"][0]["ImpairedSince"] == aws.clock.now()
    assert statuses[sick]["InstanceStatus"]["Status"] == "ok"
    assert statuses[healthy]["SystemStatus"]["Status"] == "ok"
    assert statuses[healthy]["InstanceStatus"]["Status"] == "impaired"

    instance_status_checks.set_system_status_failed(aws.time, sick, False)
    status = ec2.describe_instance_status(InstanceIds=[sick])["InstanceStatuses"][0]
    assert status["SystemStatus"]["Status"] == "ok"


def test_status_check_metrics_are_published_each_minute_while_running(aws: Any) -> None:
    ec2, cw = aws.client("ec2"), aws.client("cloudwatch")
    instance_id = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    t0 = aws.clock.now()
    aws.tick()  # the world first sees the instance at t0
    aws.clock.advance(120)
    instance_status_checks.set_system_status_failed(aws.time, instance_id, True)  # from t0 + 2 min
    aws.clock.advance(120)
    ec2.stop_instances(InstanceIds=[instance_id])
    aws.clock.advance(180)  # stopped: nothing more is published

    def minutes(name: str) -> list[float]:
        points = cw.get_metric_statistics(
            Namespace="AWS/EC2",
            MetricName=name,
            Dimensions=[{"Name": "InstanceId", "Value": instance_id}],
            StartTime=t0,
            EndTime=t0 + timedelta(minutes=10),
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        return [p["Maximum"] for p in sorted(points, key=lambda p: p["Timestamp"])]

    # Minutes t0..t0+4: the check failed from t0+2 on, first seen failing at the next minute.
    assert minutes("StatusCheckFailed_System") == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert minutes("StatusCheckFailed") == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert minutes("StatusCheckFailed_Instance") == [0.0] * 5
