"""Metric sources registered by the world are published before anyone reads or alarms.

Documented behaviour checked (CloudWatch User Guide, "Evaluating an alarm"): an alarm evaluates
the data that has arrived by the end of each period, whoever published it. Here the publisher
is a world generator registered with `metric_sources.register_source` (as the simulator will
register its own), and no PutMetricData call is made: the alarm fires and GetMetricStatistics
sees the data all the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.models import MetricDatum, cloudwatch_backends

from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources


def test_a_registered_source_feeds_alarms_and_reads(aws: Any) -> None:
    published: list[datetime] = []
    start = metric_series.naive_utc(aws.clock.now())

    def load_generator(now: datetime) -> None:
        """Every minute of world time since `start`, each published once (as a simulator would)."""
        minute = metric_series.align_epoch(metric_series.naive_utc(now), 60)
        next_minute = published[-1] + timedelta(minutes=1) if published else start
        while next_minute <= minute:
            published.append(next_minute)
            cloudwatch_backends["123456789012"]["us-east-1"].metric_data.append(
                MetricDatum("Sim/Web", "Load", 95.0, [], next_minute)
            )
            next_minute += timedelta(minutes=1)

    cw = aws.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName="load",
        Namespace="Sim/Web",
        MetricName="Load",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=2,
        Threshold=90.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    metric_sources.register_source(load_generator)
    try:
        t0 = aws.clock.now()
        aws.clock.advance(180)
        assert cw.describe_alarms(AlarmNames=["load"])["MetricAlarms"][0]["StateValue"] == "ALARM"
        points = cw.get_metric_statistics(
            Namespace="Sim/Web",
            MetricName="Load",
            StartTime=t0,
            EndTime=t0 + timedelta(minutes=5),
            Period=60,
            Statistics=["Average"],
        )["Datapoints"]
        assert len(points) == 4, "minutes t0 to t0+3, published as the world caught up"
    finally:
        metric_sources.unregister(load_generator)
