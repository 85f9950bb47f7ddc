"""GetMetricData's pages, checked against the GetMetricData API reference and MetricDataResult.

Documented behaviour checked: MaxDatapoints is "The maximum number of data points the request
should return before paginating"; ScanBy "TimestampDescending returns the newest data first and
paginates when the MaxDatapoints limit is reached. TimestampAscending returns the oldest data
first and paginates when the MaxDatapoints limit is reached."; NextToken: "Include this value,
if it was returned by the previous GetMetricData operation, to get the next set of data
points."; StatusCode: "Complete indicates that all data points in the requested time range were
returned. PartialData means that an incomplete set of data points were returned. You can use the
NextToken value that was returned and repeat your request to get more data points. NextToken is
not returned if you are performing a math expression."; "A single GetMetricData call can include
as many as 500 MetricDataQuery structures."
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.rehearsal.fidelity.cloudwatch_queries import metric, publish


@pytest.fixture
def three(aws: Any) -> tuple[Any, Any]:
    """Metrics a, b and c with ten one-minute datapoints each (values 0..9, 10..19, 20..29)."""
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    for n, name in enumerate("abc"):
        publish(cw, name, [float(10 * n + i) for i in range(10)], t0)
    aws.clock.advance(600)
    return cw, t0


def ask(cw: Any, t0: Any, **kw: Any) -> dict:
    return cw.get_metric_data(
        MetricDataQueries=[metric(name, name) for name in "abc"],
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=10),
        **kw,
    )


def test_max_datapoints_cuts_pages_with_partial_data_and_a_token(three: Any) -> None:
    cw, t0 = three
    pages, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        answer = ask(cw, t0, MaxDatapoints=12, ScanBy="TimestampAscending", **kw)
        pages.append({r["Id"]: (r["StatusCode"], r["Values"]) for r in answer["MetricDataResults"]})
        token = answer.get("NextToken")
        if not token:
            break
    assert pages == [
        {"a": ("Complete", [float(v) for v in range(10)]), "b": ("PartialData", [10.0, 11.0])},
        {
            "b": ("Complete", [float(v) for v in range(12, 20)]),
            "c": ("PartialData", [20.0, 21.0, 22.0, 23.0]),
        },
        {"c": ("Complete", [float(v) for v in range(24, 30)])},
    ]
    whole = ask(cw, t0, ScanBy="TimestampAscending")
    assert "NextToken" not in whole
    assert [r["StatusCode"] for r in whole["MetricDataResults"]] == ["Complete"] * 3


def test_descending_pages_start_with_the_newest(three: Any) -> None:
    cw, t0 = three
    answer = ask(cw, t0, MaxDatapoints=3)
    (a,) = answer["MetricDataResults"]
    assert (a["Id"], a["StatusCode"], a["Values"]) == ("a", "PartialData", [9.0, 8.0, 7.0])
    assert a["Timestamps"][0] == t0 + timedelta(minutes=9)
    assert answer["NextToken"]


def test_a_token_is_for_the_request_it_was_given_for(three: Any) -> None:
    cw, t0 = three
    token = ask(cw, t0, MaxDatapoints=5)["NextToken"]
    with pytest.raises(ClientError) as caught:
        cw.get_metric_data(
            MetricDataQueries=[metric("a", "a")],
            StartTime=t0,
            EndTime=t0 + timedelta(minutes=10),
            MaxDatapoints=5,
            NextToken=token,
        )
    assert caught.value.response["Error"]["Code"] == "InvalidNextToken"


def test_a_math_expression_is_answered_on_one_page(three: Any) -> None:
    cw, t0 = three
    answer = cw.get_metric_data(
        MetricDataQueries=[
            metric("a", "a", ReturnData=False),
            {"Id": "twice", "Expression": "2*a"},
        ],
        StartTime=t0,
        EndTime=t0 + timedelta(minutes=10),
        MaxDatapoints=3,
    )
    assert "NextToken" not in answer
    (twice,) = answer["MetricDataResults"]
    assert twice["StatusCode"] == "Complete" and len(twice["Values"]) == 10


def test_at_most_500_queries_a_call(aws: Any) -> None:
    cw = aws.client("cloudwatch")
    t0 = aws.clock.now()
    with pytest.raises(ClientError) as caught:
        cw.get_metric_data(
            MetricDataQueries=[metric(f"m{i}", "a") for i in range(501)],
            StartTime=t0,
            EndTime=t0 + timedelta(minutes=1),
        )
    assert caught.value.response["Error"]["Code"] == "ValidationError"
