"""DescribeAlarmHistory, which moto does not implement, checked against the API reference.

Documented behaviour checked (DescribeAlarmHistory API reference and the CloudWatch User Guide:
"You can view an alarm's history using DescribeAlarmHistory ... Each state transition is marked
with a unique timestamp"): a created alarm has a ConfigurationUpdate item; each state change is
a StateUpdate item with the summary "Alarm updated from A to B" and JSON HistoryData holding the
old and new state, reason and reason data; items are newest first by default (ScanBy), can be
filtered by AlarmName, HistoryItemType and StartDate/EndDate, and page with MaxRecords and
NextToken; SetAlarmState changes are recorded too.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

NS = "Shop/Queue"


@pytest.fixture
def cw(aws: Any) -> Any:
    client = aws.client("cloudwatch")
    client.put_metric_alarm(
        AlarmName="backlog",
        Namespace=NS,
        MetricName="Depth",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=100.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    for depth in [10.0, 500.0, 20.0]:  # OK, ALARM, OK
        client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Depth", "Value": depth}])
        aws.clock.advance(60)
    return client


def test_state_changes_are_recorded_newest_first(aws: Any, cw: Any) -> None:
    items = cw.describe_alarm_history(AlarmName="backlog")["AlarmHistoryItems"]
    assert [(i["HistoryItemType"], i["HistorySummary"]) for i in items] == [
        ("StateUpdate", "Alarm updated from ALARM to OK"),
        ("StateUpdate", "Alarm updated from OK to ALARM"),
        ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to OK"),
        ("ConfigurationUpdate", 'Alarm "backlog" created'),
    ]
    t0 = aws.clock.now() - timedelta(minutes=3)
    assert [i["Timestamp"] - t0 for i in items] == [timedelta(minutes=m) for m in (3, 2, 1, 0)], (
        "each change at the end of the period that caused it"
    )
    assert all(i["AlarmName"] == "backlog" and i["AlarmType"] == "MetricAlarm" for i in items)


def test_history_data_holds_old_and_new_state(aws: Any, cw: Any) -> None:
    items = cw.describe_alarm_history(AlarmName="backlog", HistoryItemType="StateUpdate")
    to_alarm = json.loads(items["AlarmHistoryItems"][1]["HistoryData"])
    assert to_alarm["oldState"]["stateValue"] == "OK"
    assert to_alarm["newState"]["stateValue"] == "ALARM"
    assert "500.0" in to_alarm["newState"]["stateReason"]
    assert to_alarm["newState"]["stateReasonData"]["recentDatapoints"] == [500.0]
    assert to_alarm["newState"]["stateReasonData"]["threshold"] == 100.0


def test_filters_order_and_paging(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now() - timedelta(minutes=3)
    oldest_first = cw.describe_alarm_history(AlarmName="backlog", ScanBy="TimestampAscending")
    assert oldest_first["AlarmHistoryItems"][0]["HistoryItemType"] == "ConfigurationUpdate"
    window = cw.describe_alarm_history(
        AlarmName="backlog",
        StartDate=t0 + timedelta(minutes=2),
        EndDate=t0 + timedelta(minutes=2),
    )["AlarmHistoryItems"]
    assert [i["HistorySummary"] for i in window] == ["Alarm updated from OK to ALARM"]
    first = cw.describe_alarm_history(AlarmName="backlog", MaxRecords=3)
    rest = cw.describe_alarm_history(
        AlarmName="backlog", MaxRecords=3, NextToken=first["NextToken"]
    )
    assert len(first["AlarmHistoryItems"]) == 3 and len(rest["AlarmHistoryItems"]) == 1
    assert "NextToken" not in rest
    assert cw.describe_alarm_history(AlarmName="nope")["AlarmHistoryItems"] == []


def test_set_alarm_state_is_recorded(aws: Any, cw: Any) -> None:
    cw.set_alarm_state(AlarmName="backlog", StateValue="ALARM", StateReason="drill")
    (latest,) = cw.describe_alarm_history(AlarmName="backlog", MaxRecords=1)["AlarmHistoryItems"]
    assert latest["HistorySummary"] == "Alarm updated from OK to ALARM"
    assert json.loads(latest["HistoryData"])["newState"]["stateReason"] == "drill"
    assert latest["Timestamp"] == aws.clock.now()
