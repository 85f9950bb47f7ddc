"""Instance refresh and CloudWatch alarms, through boto3, against what AWS documents.

AlarmSpecification ("Undo changes with a manual or auto rollback"): with AutoRollback, an alarm
going into ALARM rolls the refresh back; without it the refresh fails naming the alarm; an alarm
that does not exist is refused when the refresh starts.
"""

from __future__ import annotations

import pytest
from asg_world import WebTier, new_version
from botocore.exceptions import ClientError

from tests.rehearsal.fidelity.autoscaling.refresh_driving import (
    latest,
    run_until,
    settled_tier,
    start,
    versions,
)


def _alarm(tier: WebTier) -> None:
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


def test_auto_rollback_fires_when_the_alarm_goes_into_alarm(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    _alarm(tier)
    v2 = new_version(tier)
    start(
        tier,
        v2,
        MinHealthyPercentage=75,
        InstanceWarmup=60,
        AutoRollback=True,
        AlarmSpecification={"Alarms": ["web-5xx"]},
    )
    aws.clock.advance(70)
    assert latest(tier)["Status"] == "InProgress"  # the alarm is OK: the refresh goes on
    tier.cloudwatch.set_alarm_state(
        AlarmName="web-5xx", StateValue="ALARM", StateReason="5xx burst on the new image"
    )
    rolling = latest(tier)
    assert rolling["Status"] == "RollbackInProgress"
    assert "web-5xx" in rolling["RollbackDetails"]["RollbackReason"]
    done = run_until(aws, tier, {"RollbackSuccessful", "RollbackFailed"})
    assert done["Status"] == "RollbackSuccessful"
    assert versions(tier) == ["1"] * 4


def test_an_alarm_without_auto_rollback_fails_the_refresh(aws) -> None:
    tier = settled_tier(aws, health_check_type="EC2")
    _alarm(tier)
    start(tier, new_version(tier), AlarmSpecification={"Alarms": ["web-5xx"]})
    aws.clock.advance(30)
    tier.cloudwatch.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="x")
    failed = latest(tier)
    assert failed["Status"] == "Failed"
    assert "web-5xx" in failed["StatusReason"]
    assert failed["EndTime"] == aws.clock.now()


def test_an_unknown_alarm_is_refused(aws) -> None:
    tier = settled_tier(aws)
    with pytest.raises(ClientError) as refused:
        start(tier, new_version(tier), AlarmSpecification={"Alarms": ["no-such-alarm"]})
    assert refused.value.response["Error"]["Code"] == "ValidationError"


def test_auto_rollback_fires_on_an_alarm_driven_by_published_data(aws) -> None:
    """The drill's path: 5xx datapoints arrive, CloudWatch evaluates the alarm into ALARM, and
    the refresh notices without anyone calling set_alarm_state or describe_alarms."""
    tier = settled_tier(aws, health_check_type="EC2")
    _alarm(tier)
    start(
        tier,
        new_version(tier),
        MinHealthyPercentage=75,
        InstanceWarmup=60,
        AutoRollback=True,
        AlarmSpecification={"Alarms": ["web-5xx"]},
    )
    aws.clock.advance(70)
    assert latest(tier)["Status"] == "InProgress"
    tier.cloudwatch.put_metric_data(
        Namespace="AWS/ApplicationELB",
        MetricData=[
            {
                "MetricName": "HTTPCode_Target_5XX_Count",  # the alarm's metric: no dimensions
                "Timestamp": aws.clock.now(),
                "Value": 500,
            }
        ],
    )
    aws.clock.advance(60)  # the minute with the burst ends; CloudWatch evaluates the alarm
    rolling = latest(tier)
    assert rolling["Status"] in ("RollbackInProgress", "RollbackSuccessful")
    assert "web-5xx" in rolling["RollbackDetails"]["RollbackReason"]
