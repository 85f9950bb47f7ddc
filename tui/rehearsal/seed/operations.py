"""What the operations runbooks touch: the standalone reports host, the on-call topic, and
group metrics on the batch fleet."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def seed_operations(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create `reports-1`, the `turnout-oncall` topic; enable batch-asg's group metrics."""
    ec2 = clients.client("ec2")
    reports = ec2.run_instances(
        ImageId=names.AMI_WEB_V1,
        InstanceType="t3.medium",
        MinCount=1,
        MaxCount=1,
        SubnetId=ids[f"subnet:{names.ZONES[0]}"],
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [{"Key": "Name", "Value": names.REPORTS_INSTANCE}],
            }
        ],
    )["Instances"][0]["InstanceId"]
    topic = clients.client("sns").create_topic(Name=names.ONCALL_TOPIC)["TopicArn"]
    clients.client("autoscaling").enable_metrics_collection(
        AutoScalingGroupName=names.BATCH_ASG,
        Metrics=["GroupInServiceInstances", "GroupDesiredCapacity"],
        Granularity="1Minute",
    )
    return {"instance:reports": reports, "topic:oncall": topic}
