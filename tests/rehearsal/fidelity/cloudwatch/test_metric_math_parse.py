"""Metric-math syntax, checked against the CloudWatch User Guide through GetMetricData.

Documented behaviour checked ("Metric math syntax and functions"): the usual precedence of
arithmetic with parentheses, unary minus and `^`; functions are written in upper case; ids start
with a lower-case letter; a syntax error (an unknown character, an unclosed parenthesis, an
expression cut short), an unknown id or function, or a final result that is a single number
is refused with ValidationError naming the expression, instead of an empty series.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudwatch_queries import metric, publish, results, series


@pytest.fixture
def cw(aws: Any) -> Any:
    return aws.client("cloudwatch")


def test_parentheses_unary_minus_power_and_abs(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [1, 2, 3], t0)
    queries = [
        metric("a", "A"),
        {"Id": "e1", "Expression": "(a + 1) * 2"},
        {"Id": "e2", "Expression": "a + 1 * 2"},
        {"Id": "e3", "Expression": "-a ^ 2"},
        {"Id": "e4", "Expression": "ABS(a - 2)"},
        {"Id": "e5", "Expression": "10 - -a"},
    ]
    out = results(cw, queries, t0)
    assert series(out["e1"][0], t0) == {0: 4.0, 1: 6.0, 2: 8.0}
    assert series(out["e2"][0], t0) == {0: 3.0, 1: 4.0, 2: 5.0}
    assert series(out["e3"][0], t0) == {0: -1.0, 1: -4.0, 2: -9.0}
    assert series(out["e4"][0], t0) == {0: 1.0, 1: 0.0, 2: 1.0}
    assert series(out["e5"][0], t0) == {0: 11.0, 1: 12.0, 2: 13.0}


BAD_EXPRESSIONS = [
    ("100*m1/", "end of the expression"),
    ("m1 + m3", "Unknown metric or expression id 'm3'"),
    ("sum(m1)", "upper case"),
    ("FOO(m1)", "Unknown function FOO()"),
    ("AVG(m1)", "final result"),
    ("m1 $ 2", "Unrecognized character '$'"),
    ("SEARCH('{AWS/EC2} CPU', 'Average', 300)", "not supported by the rehearsal world"),
    ("(m1 + 1", "Expected ')'"),
]


def test_a_bad_expression_is_a_validation_error(aws: Any, cw: Any) -> None:
    t0 = aws.clock.now()
    publish(cw, "A", [1], t0)
    for expression, says in BAD_EXPRESSIONS:
        with pytest.raises(ClientError) as err:
            results(cw, [metric("m1", "A"), {"Id": "bad", "Expression": expression}], t0)
        assert err.value.response["Error"]["Code"] == "ValidationError"
        message = err.value.response["Error"]["Message"]
        assert "bad" in message and says in message, expression
