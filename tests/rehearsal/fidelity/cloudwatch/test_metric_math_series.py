"""Arithmetic between time series, checked against the CloudWatch User Guide.

Documented behaviour checked ("Metric math syntax and functions", basic arithmetic): "Missing
values in a time series are treated as 0", and "if the value of a data point causes a function
to attempt to divide by zero, the data point is dropped" — through real GetMetricData calls.
"""

from __future__ import annotations

from typing import Any

import pytest
from cloudwatch_queries import metric, publish, results, series


@pytest.fixture
def cw(aws: Any) -> Any:
    return aws.client("cloudwatch")


def test_division_by_zero_drops_the_datapoint(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "Errors", [1, 1, 1], t0)
    publish(cw, "Requests", [10, 0, None], t0)  # minute 2 missing counts as 0
    out = results(
        cw,
        [metric("m1", "Errors"), metric("m2", "Requests"), {"Id": "e", "Expression": "m1/m2"}],
        t0,
    )
    assert series(out["e"][0], t0) == {0: 0.1}


def test_missing_values_count_as_zero_in_arithmetic(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [1, None, 3], t0)
    publish(cw, "B", [10, 20, None], t0)
    out = results(cw, [metric("a", "A"), metric("b", "B"), {"Id": "e", "Expression": "a + b"}], t0)
    assert series(out["e"][0], t0) == {0: 11.0, 1: 20.0, 2: 3.0}
