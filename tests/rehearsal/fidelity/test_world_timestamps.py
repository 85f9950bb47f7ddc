"""The times moto stamps are the world's: each is what AWS says it is, read on the world's clock.

The world's clock here is the fixture's `ManualClock` (2026-01-01, then moved by hand), far from
the wall clock, so a timestamp taken from the wall clock cannot pass by luck.
"""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

AMI = "ami-12c6146b"  # any id: moto does not check that the image exists


def test_launch_time_is_when_the_world_launched_the_instance(aws: Any) -> None:
    """EC2 API Reference, Instance: LaunchTime is "The time that the instance was last
    launched." """
    aws.clock.advance(3600)
    launched = aws.clock.now()
    ec2 = aws.client("ec2")
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
    assert instance["LaunchTime"] == launched
    aws.clock.advance(600)
    described = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])
    assert described["Reservations"][0]["Instances"][0]["LaunchTime"] == launched


def test_snapshot_create_time_is_when_the_world_took_it(aws: Any) -> None:
    """RDS API Reference, DBSnapshot: SnapshotCreateTime "Specifies when the snapshot was taken
    in Coordinated Universal Time (UTC)." """
    rds = aws.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
    )
    aws.clock.advance(900)
    taken = aws.clock.now()
    snapshot = rds.create_db_snapshot(
        DBSnapshotIdentifier="orders-db-before-switchover", DBInstanceIdentifier="orders-db"
    )["DBSnapshot"]
    assert snapshot["SnapshotCreateTime"] == taken
    assert snapshot["InstanceCreateTime"] == taken - timedelta(seconds=900)


def test_an_sns_notification_is_stamped_when_the_world_published_it(aws: Any) -> None:
    """SNS Developer Guide, "HTTP/HTTPS notification JSON format": Timestamp is "The time
    (GMT) when the notification was published." (read here through an SQS subscription)"""
    sns, sqs = aws.client("sns"), aws.client("sqs")
    topic = sns.create_topic(Name="turnout-oncall")["TopicArn"]
    queue = sqs.create_queue(QueueName="oncall-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    aws.clock.advance(1800)
    published = aws.clock.now()
    sns.publish(TopicArn=topic, Message="reports-1 recovered")
    body = json.loads(sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"])
    assert body["Timestamp"] == published.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_every_answer_is_dated_with_the_worlds_time(aws: Any) -> None:
    """RFC 9110, 6.6.1 Date: "The "Date" header field represents the date and time at which
    the message was originated". AWS answers carry it (botocore reads it to estimate clock
    skew); the world's answers originate at the world's time."""
    aws.clock.advance(7200)
    for service, call in (("ec2", "describe_instances"), ("route53", "list_hosted_zones")):
        headers = getattr(aws.client(service), call)()["ResponseMetadata"]["HTTPHeaders"]
        assert parsedate_to_datetime(headers["date"]) == aws.clock.now().replace(microsecond=0)
