"""Alarms evaluated from published data on the world's clock, as CloudWatch documents.

Documented behaviour checked (CloudWatch User Guide, "Evaluating an alarm" and "Configuring how
CloudWatch alarms treat missing data"; PutMetricAlarm and SetAlarmState API references):
- a new alarm is INSUFFICIENT_DATA, then evaluated; with EvaluationPeriods 3 and
  DatapointsToAlarm 3 it goes to ALARM when the third breaching period ends, not before, and
  back to OK when a datapoint stops breaching;
- "M out of N": 2 of 3 breaching datapoints alarm even when not consecutive; 1 of 3 does not;
- TreatMissingData over time: `ignore` keeps ALARM while data is missing, `breaching` turns
  silence into ALARM, `notBreaching` into OK, `missing` ends in INSUFFICIENT_DATA, each only
  once the last real datapoints have left the evaluation range (they are re-evaluated until);
- an alarm on a metric-math expression and one on a percentile (ExtendedStatistic);
- updating an alarm leaves its state unchanged; SetAlarmState lasts until the next evaluation;
- invalid definitions are refused with ValidationError.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

NS = "Shop/Api"


@pytest.fixture
def cw(aws: Any) -> Any:
    return aws.client("cloudwatch")


def put_alarm(cw: Any, name: str = "api-errors", **overrides: Any) -> None:
    spec = {
        "AlarmName": name,
        "Namespace": NS,
        "MetricName": "Errors",
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 3,
        "Threshold": 10.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        **overrides,
    }
    cw.put_metric_alarm(**spec)


def state(cw: Any, name: str = "api-errors") -> str:
    return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]


def minute_of(aws: Any, cw: Any, value: float | None, name: str = "Errors") -> None:
    """Publish `value` now (None publishes nothing) and let the minute end."""
    if value is not None:
        cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": name, "Value": value}])
    aws.clock.advance(60)


def test_three_breaching_datapoints_alarm_on_the_third_and_recover(aws: Any, cw: Any) -> None:
    put_alarm(cw)
    alarm = cw.describe_alarms(AlarmNames=["api-errors"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    seen = []
    for value in [50, 60, 70, 0]:
        minute_of(aws, cw, value)
        seen.append(state(cw))
    assert seen == ["INSUFFICIENT_DATA", "INSUFFICIENT_DATA", "ALARM", "OK"]
    alarm = cw.describe_alarms(AlarmNames=["api-errors"])["MetricAlarms"][0]
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 out of the last 3 datapoints")
    assert alarm["StateUpdatedTimestamp"] == aws.clock.now()


def test_the_alarm_changes_when_the_period_ends_not_when_asked(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1)
    cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Errors", "Value": 99.0}])
    aws.clock.advance(59)
    assert state(cw) == "INSUFFICIENT_DATA", "the period holding the datapoint has not ended"
    aws.clock.advance(1)
    aws.tick()  # the simulator's loop: evaluation needs no API call
    assert state(cw) == "ALARM"


def test_m_out_of_n(aws: Any, cw: Any) -> None:
    cases = {"apart": [20, 0, 20], "one": [20, 0, 0], "last-two": [0, 20, 20]}
    for name in cases:
        put_alarm(cw, name=name, MetricName=name, EvaluationPeriods=3, DatapointsToAlarm=2)
    for minute in range(3):
        cw.put_metric_data(
            Namespace=NS,
            MetricData=[{"MetricName": n, "Value": float(v[minute])} for n, v in cases.items()],
        )
        aws.clock.advance(60)
    assert {n: state(cw, n) for n in cases} == {"apart": "ALARM", "one": "OK", "last-two": "ALARM"}


def test_ignore_keeps_alarm_while_data_is_missing(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1, TreatMissingData="ignore")
    minute_of(aws, cw, 50)
    assert state(cw) == "ALARM"
    for _ in range(10):
        minute_of(aws, cw, None)
        assert state(cw) == "ALARM"


def test_breaching_turns_silence_into_alarm(aws: Any, cw: Any) -> None:
    put_alarm(cw, TreatMissingData="breaching")
    for value in [0, 0, 0]:
        minute_of(aws, cw, value)
    assert state(cw) == "OK"
    seen = []
    for _ in range(5):
        minute_of(aws, cw, None)
        seen.append(state(cw))
    # The last real datapoints are re-evaluated while they stay in the 5-period evaluation
    # range; missing ones fill in only as few times as needed, so ALARM comes with the 5th.
    assert seen == ["OK", "OK", "OK", "OK", "ALARM"]


def test_not_breaching_turns_silence_into_ok(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1, TreatMissingData="notBreaching")
    minute_of(aws, cw, 50)
    assert state(cw) == "ALARM"
    seen = []
    for _ in range(3):
        minute_of(aws, cw, None)
        seen.append(state(cw))
    # "Alarms may repeatedly re-evaluate the last set of data points for a period of time after
    # the metric has stopped flowing": the breach counts until it leaves the evaluation range.
    assert seen == ["ALARM", "ALARM", "OK"]


def test_missing_ends_in_insufficient_data(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1)
    minute_of(aws, cw, 0)
    assert state(cw) == "OK"
    for _ in range(3):
        minute_of(aws, cw, None)
    assert state(cw) == "INSUFFICIENT_DATA"


def test_metric_math_alarm_on_an_error_rate(aws: Any, cw: Any) -> None:
    def stat(qid: str, name: str) -> dict:
        return {
            "Id": qid,
            "MetricStat": {
                "Metric": {"Namespace": NS, "MetricName": name},
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        }

    cw.put_metric_alarm(
        AlarmName="error-rate",
        Metrics=[
            stat("errors", "Errors"),
            stat("requests", "Requests"),
            {"Id": "rate", "Expression": "100 * errors / requests", "ReturnData": True},
        ],
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    seen = []
    for errors in [1, 10, 20, 2]:  # rates 1%, 10%, 20%, 2% of 100 requests
        cw.put_metric_data(
            Namespace=NS,
            MetricData=[
                {"MetricName": "Errors", "Value": float(errors)},
                {"MetricName": "Requests", "Value": 100.0},
            ],
        )
        aws.clock.advance(60)
        seen.append(state(cw, "error-rate"))
    # One non-breaching datapoint is enough for OK at once (the guide's "0 - - - -" row).
    assert seen == ["OK", "OK", "ALARM", "OK"]


def test_percentile_alarm(aws: Any, cw: Any) -> None:
    cw.put_metric_alarm(
        AlarmName="p99",
        Namespace=NS,
        MetricName="Latency",
        ExtendedStatistic="p99",
        Period=60,
        EvaluationPeriods=1,
        Threshold=500.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    # 98 fast requests and 2 slow ones: the average is low, the p99 is not.
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[{"MetricName": "Latency", "Values": [10.0, 2000.0], "Counts": [98, 2]}],
    )
    aws.clock.advance(60)
    assert state(cw, "p99") == "ALARM"


def test_updating_an_alarm_keeps_its_state(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1)
    minute_of(aws, cw, 50)
    assert state(cw) == "ALARM"
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1, AlarmDescription="now described")
    alarm = cw.describe_alarms(AlarmNames=["api-errors"])["MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["AlarmDescription"]) == ("ALARM", "now described")


def test_set_alarm_state_lasts_until_the_next_evaluation(aws: Any, cw: Any) -> None:
    put_alarm(cw, EvaluationPeriods=1, DatapointsToAlarm=1)
    minute_of(aws, cw, 0)
    assert state(cw) == "OK"
    cw.set_alarm_state(AlarmName="api-errors", StateValue="ALARM", StateReason="testing the pager")
    alarm = cw.describe_alarms(AlarmNames=["api-errors"])["MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["StateReason"]) == ("ALARM", "testing the pager")
    minute_of(aws, cw, 0)
    assert state(cw) == "OK"


INVALID = [
    ({"DatapointsToAlarm": 4}, "DatapointsToAlarm"),
    ({"TreatMissingData": "sometimes"}, "TreatMissingData"),
    ({"Period": 45}, "Period"),
    ({"Period": 3600, "EvaluationPeriods": 25, "DatapointsToAlarm": 1}, "one day"),
    ({"Statistic": None}, "Statistic"),
]


def test_invalid_alarms_are_refused(aws: Any, cw: Any) -> None:
    for overrides, says in INVALID:
        spec = {
            "AlarmName": "bad",
            "Namespace": NS,
            "MetricName": "Errors",
            "Statistic": "Sum",
            "Period": 60,
            "EvaluationPeriods": 3,
            "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanThreshold",
            **overrides,
        }
        with pytest.raises(ClientError) as err:
            cw.put_metric_alarm(**{k: v for k, v in spec.items() if v is not None})
        assert err.value.response["Error"]["Code"] == "ValidationError"
        assert says in err.value.response["Error"]["Message"], overrides
    assert cw.describe_alarms(AlarmNames=["bad"])["MetricAlarms"] == []


def test_a_math_alarm_with_a_bad_expression_is_refused(aws: Any, cw: Any) -> None:
    with pytest.raises(ClientError) as err:
        cw.put_metric_alarm(
            AlarmName="bad-math",
            Metrics=[{"Id": "e1", "Expression": "100 * nothing", "ReturnData": True}],
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "nothing" in err.value.response["Error"]["Message"]
