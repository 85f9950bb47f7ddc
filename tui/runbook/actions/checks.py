"""The kinds of precondition and guardrail signal, and the AWS operations each reads with."""

from __future__ import annotations

from tui.runbook.actions.spec import CheckSpec

_KINDS = (
    CheckSpec("metric", "A CloudWatch metric against min/max.", ("cloudwatch.GetMetricData",)),
    CheckSpec(
        "expr",
        "CloudWatch metric math over named metrics against min/max.",
        ("cloudwatch.GetMetricData",),
    ),
    CheckSpec(
        "route53_ttl",
        "A record's TTL is at most `max` seconds.",
        ("route53.ListHostedZonesByName", "route53.ListResourceRecordSets"),
    ),
    CheckSpec(
        "blue_green_status",
        "An RDS Blue/Green deployment's status is `is`.",
        ("rds.DescribeBlueGreenDeployments",),
    ),
    CheckSpec(
        "db_instance_status", "An RDS DB instance's status is `is`.", ("rds.DescribeDBInstances",)
    ),
    CheckSpec(
        "healthy_targets",
        "A target group has at least `min` healthy targets.",
        ("elbv2.DescribeTargetGroups", "elbv2.DescribeTargetHealth"),
    ),
    CheckSpec("all", "Every condition in the list holds.", ()),
    CheckSpec("any", "At least one condition in the list holds.", ()),
)

CHECKS: dict[str, CheckSpec] = {spec.kind: spec for spec in _KINDS}

# Where a metric dimension may name a resource instead of its AWS id, and what it resolves with.
RESOURCE_REFS: dict[str, tuple[str, ...]] = {
    "load_balancer": ("elbv2.DescribeLoadBalancers",),
    "target_group": ("elbv2.DescribeTargetGroups",),
    "instance": ("ec2.DescribeInstances",),
    # The green DB instance of a Blue/Green deployment: AWS names it NAME-green-XXXXXX.
    "blue_green_target": ("rds.DescribeBlueGreenDeployments",),
}

BLUE_GREEN_STATUSES = (
    "PROVISIONING",
    "AVAILABLE",
    "SWITCHOVER_IN_PROGRESS",
    "SWITCHOVER_COMPLETED",
    "INVALID_CONFIGURATION",
    "SWITCHOVER_FAILED",
    "DELETING",
)
