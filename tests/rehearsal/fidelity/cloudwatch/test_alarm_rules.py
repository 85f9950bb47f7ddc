"""The two example tables of "How alarm state is evaluated when data is missing", row by row.

Documented behaviour checked (CloudWatch User Guide, "Configuring how CloudWatch alarms treat
missing data"): with the 5 most recent datapoints retrieved, 0 non-breaching, X breaching and -
missing, the state for each TreatMissingData setting (missing, ignore, breaching, notBreaching)
is the one in the guide's tables, for 3 of 3 and for 2 of 3 ("M out of N") alarms. Each row is
published with PutMetricData and judged by alarms created with PutMetricAlarm, read back with
DescribeAlarms. "Retain current state" is the state the alarm was in: INSUFFICIENT_DATA, as
every new alarm starts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

NS = "Docs/MissingData"
RETAIN = "INSUFFICIENT_DATA"  # a new alarm's state, which "Retain current state" keeps
TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")

# (data points, datapoints to alarm, [missing, ignore, breaching, notBreaching])
TABLE_3_OF_3 = [
    ("0-X-X", ["OK", "OK", "OK", "OK"]),
    ("0----", ["OK", "OK", "OK", "OK"]),
    ("-----", ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]),
    ("0XX-X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
    ("----X", ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]),
    ("X----", ["ALARM", RETAIN, "ALARM", "OK"]),
]
TABLE_2_OF_3 = [
    ("0-X-X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
    ("00X0X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
    ("0-X--", ["OK", "OK", "ALARM", "OK"]),
    ("----0", ["OK", "OK", "ALARM", "OK"]),
    ("----X", ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]),
]


@pytest.mark.parametrize(
    ("table", "datapoints_to_alarm"), [(TABLE_3_OF_3, 3), (TABLE_2_OF_3, 2)], ids=["3of3", "2of3"]
)
def test_documented_missing_data_table(
    aws: Any, table: list[tuple[str, list[str]]], datapoints_to_alarm: int
) -> None:
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    for n, (row, _states) in enumerate(table):  # one metric per row, published side by side
        data = [
            {
                "MetricName": f"Signal{n}",
                "Value": 10.0 if c == "X" else 0.0,
                "Timestamp": t0 + timedelta(minutes=i),
            }
            for i, c in enumerate(row)
            if c != "-"
        ]
        if data:
            cw.put_metric_data(Namespace=NS, MetricData=data)
    aws.clock.advance(5 * 60)  # the five periods have ended
    for n, (_row, _states) in enumerate(table):
        for treatment in TREATMENTS:
            cw.put_metric_alarm(
                AlarmName=f"signal{n}-{treatment}",
                Namespace=NS,
                MetricName=f"Signal{n}",
                Statistic="Maximum",
                Period=60,
                EvaluationPeriods=3,
                DatapointsToAlarm=datapoints_to_alarm,
                Threshold=5.0,
                ComparisonOperator="GreaterThanThreshold",
                TreatMissingData=treatment,
            )
    alarms = {a["AlarmName"]: a["StateValue"] for a in cw.describe_alarms()["MetricAlarms"]}
    for n, (row, states) in enumerate(table):
        got = [alarms[f"signal{n}-{t}"] for t in TREATMENTS]
        assert got == states, f"row {row} ({datapoints_to_alarm} of 3)"
