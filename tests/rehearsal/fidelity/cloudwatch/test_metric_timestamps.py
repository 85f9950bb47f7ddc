"""PutMetricData on the world's clock, checked against the PutMetricData API reference.

Documented behaviour checked: a datapoint sent without Timestamp is stamped with the time
CloudWatch receives it (here the world's time, not the wall clock); an alarm evaluates, at the
end of each period, the data that has arrived by then, so a datapoint sent late for an earlier
period is seen by the next evaluation, not by evaluations that were already due.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def test_an_undated_datapoint_is_stamped_with_world_time(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    aws.clock.advance(3 * 86400 + 90)  # three days and 90 s after the world began
    cw.put_metric_data(Namespace="Shop/Web", MetricData=[{"MetricName": "Hits", "Value": 3.0}])
    now = aws.clock.now()
    (point,) = cw.get_metric_statistics(
        Namespace="Shop/Web",
        MetricName="Hits",
        StartTime=now - timedelta(minutes=1),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert point["Sum"] == 3.0
    assert point["Timestamp"] == now - timedelta(seconds=30), "the period holding 'now'"


def test_late_data_is_seen_by_the_next_evaluation_only(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    cw.put_metric_alarm(
        AlarmName="hits",
        Namespace="Shop/Web",
        MetricName="Hits",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=10.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    aws.clock.advance(150)  # nobody asks while two periods end
    cw.put_metric_data(
        Namespace="Shop/Web",
        MetricData=[{"MetricName": "Hits", "Value": 50.0, "Timestamp": t0 + timedelta(minutes=1)}],
    )
    assert cw.describe_alarms(AlarmNames=["hits"])["MetricAlarms"][0]["StateValue"] == (
        "INSUFFICIENT_DATA"
    )
    aws.clock.advance(30)  # the next period ends
    assert cw.describe_alarms(AlarmNames=["hits"])["MetricAlarms"][0]["StateValue"] == "ALARM"
