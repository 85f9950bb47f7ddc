"""Time series for metric math: the value types and arithmetic CloudWatch defines on them.

A value is a scalar (S), a time series (TS: values by period-start timestamp) or an array of
time series (TS[]). As the CloudWatch User Guide says for basic arithmetic, between two series
"missing values in a time series are treated as 0", and "if the value of a data point causes a
function to attempt to divide by zero, the data point is dropped" (as is any result that is not
a finite number). Comparisons and AND/OR give 1 or 0, missing values again counting as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.rehearsal.fidelity.cloudwatch.metric_math_parse import ExpressionError


@dataclass
class Series:
    """One time series: values by period-start timestamp (naive UTC), a label and its period."""

    points: dict[datetime, float]
    label: str = ""
    period: int = 60

    def sorted_items(self) -> list[tuple[datetime, float]]:
        """The datapoints, oldest first."""
        return sorted(self.points.items())


Value = float | Series | list[Series]


@dataclass
class Context:
    """What an expression can see: other queries' results and the request's time grid."""

    series: dict[str, Value]
    metric_ids: list[str]  # MetricStat queries in request order, for METRICS()
    start: datetime
    end: datetime
    period: int
    resolve: Callable[[str], Value] | None = None  # evaluates an expression id on demand

    def grid(self, period: int) -> list[datetime]:
        """Every period start from the request's start up to (not including) its end."""
        out, t, step = [], self.start, timedelta(seconds=period)
        while t < self.end:
            out.append(t)
            t += step
        return out


# --- evaluation ----------------------------------------------------------------------------


def finite(x: float) -> bool:
    """False for NaN and infinities, which CloudWatch never returns."""
    return not (math.isnan(x) or math.isinf(x))


def _apply(op: str, a: float, b: float) -> float | None:
    """One datapoint of a binary operation; None drops the datapoint (as CloudWatch does)."""
    try:
        if op == "+":
            r = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        elif op == "/":
            if b == 0:
                return None
            r = a / b
        elif op == "^":
            r = math.pow(a, b)
        elif op == "==":
            r = float(a == b)
        elif op == "!=":
            r = float(a != b)
        elif op == "<=":
            r = float(a <= b)
        elif op == ">=":
            r = float(a >= b)
        elif op == "<":
            r = float(a < b)
        elif op == ">":
            r = float(a > b)
        elif op == "and":
            r = float(a != 0 and b != 0)
        elif op == "or":
            r = float(a != 0 or b != 0)
        else:  # pragma: no cover - the parser only emits the ops above
            raise ExpressionError(f"Unknown operator {op}")
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    return r if finite(r) else None


def _series_op(op: str, a: Series, b: Series) -> Series:
    out: dict[datetime, float] = {}
    for t in sorted(set(a.points) | set(b.points)):
        r = _apply(op, a.points.get(t, 0.0), b.points.get(t, 0.0))
        if r is not None:
            out[t] = r
    return Series(out, a.label or b.label, min(a.period, b.period))


def _scalar_series_op(op: str, a: float, b: Series, scalar_left: bool) -> Series:
    out: dict[datetime, float] = {}
    for t, v in b.points.items():
        r = _apply(op, a, v) if scalar_left else _apply(op, v, a)
        if r is not None:
            out[t] = r
    return Series(out, b.label, b.period)


def binary(op: str, a: Value, b: Value) -> Value:
    """`a op b` for any pairing CloudWatch allows (S, TS, TS[]), else ExpressionError."""
    if isinstance(a, list) and isinstance(b, list):
        raise ExpressionError(f"The operator {op} cannot combine two arrays of time series")
    if isinstance(a, list):
        return [as_series(binary(op, s, b)) for s in a]
    if isinstance(b, list):
        return [as_series(binary(op, a, s)) for s in b]
    if isinstance(a, Series) and isinstance(b, Series):
        return _series_op(op, a, b)
    if isinstance(a, Series):
        return _scalar_series_op(op, float(b), a, scalar_left=False)  # type: ignore[arg-type]
    if isinstance(b, Series):
        return _scalar_series_op(op, float(a), b, scalar_left=True)
    r = _apply(op, float(a), float(b))
    return math.nan if r is None else r


def as_series(v: Value) -> Series:
    """`v`, known to be a single series."""
    assert isinstance(v, Series)
    return v


def map_points(v: Value, fn: Callable[[float], float], name: str) -> Value:
    """`fn` applied to every datapoint (or to a scalar); failures and non-finite results drop."""
    if isinstance(v, list):
        return [as_series(map_points(s, fn, name)) for s in v]
    if isinstance(v, Series):
        out = {}
        for t, x in v.points.items():
            try:
                r = fn(x)
            except (ValueError, OverflowError):
                continue
            if finite(r):
                out[t] = r
        return Series(out, v.label, v.period)
    try:
        return fn(float(v))
    except (ValueError, OverflowError):
        return math.nan
