"""CloudWatch metric-math expressions evaluated on time series, without moto.

The semantics are those of the CloudWatch User Guide, "Metric math syntax and functions"
(parsing is `metric_math_parse`, the value types and arithmetic `metric_math_series`):
- arithmetic `+ - * / ^` and unary minus between scalars (S), time series (TS) and arrays of
  time series (TS[]); between two series a timestamp missing from one counts as 0, and a
  datapoint that would divide by zero (or is otherwise not a finite number) is dropped;
- comparisons `== != <= >= < >` and `AND`/`&&`, `OR`/`||` give 1 or 0, missing counting as 0;
- functions (upper case only): ABS, AVG, CEIL, DATAPOINT_COUNT, DIFF, DIFF_TIME, FILL (with a
  scalar, a series, REPEAT or LINEAR), FIRST, FLOOR, IF, LAST, LOG, LOG10, MAX, METRIC_COUNT,
  METRICS, MIN, PERIOD, RATE, REMOVE_EMPTY, RUNNING_SUM, SUM, TIME_SERIES;
- ids start with a lower-case letter and name other queries (metrics or expressions).

Anything else raises `ExpressionError` with a message that says what is wrong and where; the
extension turns it into CloudWatch's `ValidationError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from tui.rehearsal.fidelity.cloudwatch.metric_math_parse import ExpressionError, Node, parse
from tui.rehearsal.fidelity.cloudwatch.metric_math_series import (
    Context,
    Series,
    Value,
    as_series,
    binary,
    finite,
    map_points,
)

# Documented functions this world does not model: refused by name instead of answered wrongly.
UNSUPPORTED_FUNCTIONS = frozenset(
    {
        "ANOMALY_DETECTION_BAND",
        "DATE",
        "DAY",
        "EPOCH",
        "HOUR",
        "INSIGHT_RULE_METRIC",
        "LAMBDA",
        "MINUTE",
        "MONTH",
        "SEARCH",
        "SERVICE_QUOTA",
        "SLICE",
        "SORT",
        "STDDEV",
        "YEAR",
    }
)


class Evaluator:
    """Evaluates one parsed expression against a Context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def eval(self, node: Node) -> Value:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "neg":
            return binary("*", -1.0, self.eval(node[1]))
        if kind == "bin":
            return binary(node[1], self.eval(node[2]), self.eval(node[3]))
        if kind == "id":
            return self._lookup(node[1], node[2])
        if kind == "array":
            items: list[Series] = []
            for sub in node[1]:
                v = self.eval(sub)
                if isinstance(v, list):
                    items.extend(v)
                elif isinstance(v, Series):
                    items.append(v)
                else:
                    raise ExpressionError("An array [...] may hold only time series")
            return items
        if kind == "call":
            return self._call(node[1], node[2], node[3])
        if kind == "str":
            raise ExpressionError(
                f'A string ("{node[1]}") is only allowed as METRICS()\'s argument'
            )
        if kind == "kw":
            raise ExpressionError(f"{node[1]} is only allowed as FILL()'s second argument")
        raise ExpressionError(f"Unknown expression element {kind}")  # pragma: no cover

    def _lookup(self, name: str, pos: int) -> Value:
        if not name[0].islower():
            if name.isupper():
                raise ExpressionError(f"{name} at position {pos + 1} must be called: {name}(...)")
            raise ExpressionError(
                f"Unknown metric or expression id '{name}' at position {pos + 1}: "
                "ids start with a lower-case letter"
            )
        if name not in self.ctx.series:
            if self.ctx.resolve is None:
                raise ExpressionError(f"Unknown metric or expression id '{name}'")
            return self.ctx.resolve(name)
        return self.ctx.series[name]

    def _call(self, name: str, args: list[Node], pos: int) -> Value:
        if name.upper() != name:
            raise ExpressionError(
                f"Function names are upper case: write {name.upper()}() at position {pos + 1}"
            )
        if name in UNSUPPORTED_FUNCTIONS:
            raise ExpressionError(
                f"The function {name}() is not supported by the rehearsal world (turnout)"
            )
        handler = getattr(self, f"_fn_{name.lower()}", None)
        if handler is None:
            raise ExpressionError(f"Unknown function {name}() at position {pos + 1}")
        return handler(args)

    # --- functions ---

    def _arity(self, name: str, args: list[Node], lo: int, hi: int) -> None:
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ExpressionError(f"{name}() takes {want} arguments, got {len(args)}")

    def _series_arg(self, name: str, node: Node) -> Series | list[Series]:
        v = self.eval(node)
        if not isinstance(v, Series | list):
            raise ExpressionError(f"{name}() needs a time series or an array of time series")
        return v

    def _fn_metrics(self, args: list[Node]) -> Value:
        self._arity("METRICS", args, 0, 1)
        needle = ""
        if args:
            if args[0][0] != "str":
                raise ExpressionError("METRICS() takes an optional string, e.g. METRICS('errors')")
            needle = args[0][1]
        return [
            as_series(self.ctx.series[i])
            for i in self.ctx.metric_ids
            if needle in i and isinstance(self.ctx.series.get(i), Series)
        ]

    def _reduce(
        self, name: str, args: list[Node], scalar_fn: Callable, array_fn: Callable
    ) -> Value:
        self._arity(name, args, 1, 1)
        v = self._series_arg(name, args[0])
        if isinstance(v, Series):
            vals = list(v.points.values())
            return scalar_fn(vals) if vals else math.nan
        stamps = sorted(set().union(*(s.points for s in v))) if v else []
        period = min((s.period for s in v), default=self.ctx.period)
        return Series({t: array_fn(v, t) for t in stamps}, "", period)

    def _fn_sum(self, args: list[Node]) -> Value:
        return self._reduce("SUM", args, sum, lambda ss, t: sum(s.points.get(t, 0.0) for s in ss))

    def _fn_avg(self, args: list[Node]) -> Value:
        # Missing values count as 0 when averaging an array (documented for AVG).
        return self._reduce(
            "AVG",
            args,
            lambda vals: sum(vals) / len(vals),
            lambda ss, t: sum(s.points.get(t, 0.0) for s in ss) / len(ss),
        )

    def _fn_min(self, args: list[Node]) -> Value:
        return self._reduce(
            "MIN", args, min, lambda ss, t: min(s.points[t] for s in ss if t in s.points)
        )

    def _fn_max(self, args: list[Node]) -> Value:
        return self._reduce(
            "MAX", args, max, lambda ss, t: max(s.points[t] for s in ss if t in s.points)
        )

    def _fn_datapoint_count(self, args: list[Node]) -> Value:
        return self._reduce(
            "DATAPOINT_COUNT",
            args,
            lambda vals: float(len(vals)),
            lambda ss, t: float(sum(1 for s in ss if t in s.points)),
        )

    def _fn_metric_count(self, args: list[Node]) -> Value:
        self._arity("METRIC_COUNT", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, list):
            raise ExpressionError("METRIC_COUNT() needs an array of time series")
        return float(len(v))

    def _elementwise(self, name: str, args: list[Node], fn: Callable[[float], float]) -> Value:
        self._arity(name, args, 1, 1)
        return map_points(self._series_arg(name, args[0]), fn, name)

    def _fn_abs(self, args: list[Node]) -> Value:
        return self._elementwise("ABS", args, abs)

    def _fn_ceil(self, args: list[Node]) -> Value:
        return self._elementwise("CEIL", args, lambda x: float(math.ceil(x)))

    def _fn_floor(self, args: list[Node]) -> Value:
        return self._elementwise("FLOOR", args, lambda x: float(math.floor(x)))

    def _fn_log(self, args: list[Node]) -> Value:
        return self._elementwise("LOG", args, math.log)

    def _fn_log10(self, args: list[Node]) -> Value:
        return self._elementwise("LOG10", args, math.log10)

    def _sequential(self, name: str, args: list[Node], step: Callable) -> Value:
        self._arity(name, args, 1, 1)
        v = self._series_arg(name, args[0])

        def one(s: Series) -> Series:
            out, prev = {}, None
            for t, x in s.sorted_items():
                r = step(prev, (t, x), out)
                if r is not None and finite(r):
                    out[t] = r
                prev = (t, x)
            return Series(out, s.label, s.period)

        return [one(s) for s in v] if isinstance(v, list) else one(v)

    def _fn_diff(self, args: list[Node]) -> Value:
        return self._sequential("DIFF", args, lambda p, c, _o: None if p is None else c[1] - p[1])

    def _fn_diff_time(self, args: list[Node]) -> Value:
        return self._sequential(
            "DIFF_TIME", args, lambda p, c, _o: None if p is None else (c[0] - p[0]).total_seconds()
        )

    def _fn_rate(self, args: list[Node]) -> Value:
        return self._sequential(
            "RATE",
            args,
            lambda p, c, _o: None if p is None else (c[1] - p[1]) / (c[0] - p[0]).total_seconds(),
        )

    def _fn_running_sum(self, args: list[Node]) -> Value:
        def step(_p: object, c: tuple[datetime, float], out: dict[datetime, float]) -> float:
            return (list(out.values())[-1] if out else 0.0) + c[1]

        return self._sequential("RUNNING_SUM", args, step)

    def _fn_first(self, args: list[Node]) -> Value:
        self._arity("FIRST", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, list) or not v:
            raise ExpressionError("FIRST() needs a non-empty array of time series")
        return v[0]

    def _fn_last(self, args: list[Node]) -> Value:
        self._arity("LAST", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, list) or not v:
            raise ExpressionError("LAST() needs a non-empty array of time series")
        return v[-1]

    def _fn_remove_empty(self, args: list[Node]) -> Value:
        self._arity("REMOVE_EMPTY", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, list):
            raise ExpressionError("REMOVE_EMPTY() needs an array of time series")
        return [s for s in v if s.points]

    def _fn_period(self, args: list[Node]) -> Value:
        self._arity("PERIOD", args, 1, 1)
        if args[0][0] != "id" or args[0][1] not in self.ctx.metric_ids:
            raise ExpressionError("PERIOD() takes the id of a metric, not an expression")
        return float(as_series(self.ctx.series[args[0][1]]).period)

    def _fn_time_series(self, args: list[Node]) -> Value:
        self._arity("TIME_SERIES", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, float | int):
            raise ExpressionError("TIME_SERIES() takes a scalar")
        if not finite(float(v)):
            return Series({}, "", self.ctx.period)
        return Series({t: float(v) for t in self.ctx.grid(self.ctx.period)}, "", self.ctx.period)

    def _fn_fill(self, args: list[Node]) -> Value:
        self._arity("FILL", args, 2, 2)
        target = self._series_arg("FILL", args[0])
        how: str | float | Series
        if args[1][0] == "kw":
            how = args[1][1]
        else:
            filler = self.eval(args[1])
            if isinstance(filler, list):
                raise ExpressionError(
                    "FILL()'s second argument is a scalar, a series, REPEAT or LINEAR"
                )
            how = filler

        def one(s: Series) -> Series:
            out = dict(s.points)
            known = s.sorted_items()
            for t in self.ctx.grid(s.period):
                if t in out:
                    continue
                if isinstance(how, Series):
                    if t in how.points:
                        out[t] = how.points[t]
                elif how == "REPEAT":
                    before = [x for (u, x) in known if u < t]
                    if before:
                        out[t] = before[-1]
                elif how == "LINEAR":
                    before = [(u, x) for (u, x) in known if u < t]
                    after = [(u, x) for (u, x) in known if u > t]
                    if before and after:
                        (t0, x0), (t1, x1) = before[-1], after[0]
                        frac = (t - t0).total_seconds() / (t1 - t0).total_seconds()
                        out[t] = x0 + (x1 - x0) * frac
                elif finite(float(how)):  # type: ignore[arg-type]
                    out[t] = float(how)  # type: ignore[arg-type]
            return Series(out, s.label, s.period)

        return [one(s) for s in target] if isinstance(target, list) else one(target)

    def _fn_if(self, args: list[Node]) -> Value:
        self._arity("IF", args, 2, 3)
        cond = self.eval(args[0])
        then = self.eval(args[1])
        other = self.eval(args[2]) if len(args) == 3 else None
        if isinstance(cond, list) or isinstance(then, list) or isinstance(other, list):
            raise ExpressionError("IF() works on single time series and scalars, not arrays")
        if not isinstance(cond, Series):
            if float(cond) != 0:
                return then
            return other if other is not None else Series({}, "", self.ctx.period)
        out: dict[datetime, float] = {}
        for t, c in cond.points.items():
            if c != 0:
                # A true condition with no datapoint in the series answer counts as 0 (documented).
                out[t] = then.points.get(t, 0.0) if isinstance(then, Series) else float(then)
            elif isinstance(other, Series):
                if t in other.points:
                    out[t] = other.points[t]
            elif other is not None:
                out[t] = float(other)
        return Series({t: v for t, v in out.items() if finite(v)}, cond.label, cond.period)


def evaluate(text: str, ctx: Context) -> Series | list[Series]:
    """Parse and evaluate `text`; the final result must be a series or an array of them."""
    result = Evaluator(ctx).eval(parse(text))
    if not isinstance(result, Series | list):
        raise ExpressionError(
            "The final result of a math expression must be a time series or an array of time "
            "series, not a single number (e.g. write m1 - AVG(m1), not AVG(m1))"
        )
    return result
