"""CloudWatch metric-math expressions, parsed and evaluated on time series, without moto.

The semantics are those of the CloudWatch User Guide, "Metric math syntax and functions":
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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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


class ExpressionError(ValueError):
    """An expression CloudWatch would refuse; the message says what and where."""


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
    labels: dict[str, str] = field(default_factory=dict)

    def grid(self, period: int) -> list[datetime]:
        """Every period start from the request's start up to (not including) its end."""
        out, t, step = [], self.start, timedelta(seconds=period)
        while t < self.end:
            out.append(t)
            t += step
        return out


# --- lexer -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<str>"[^"]*"|'[^']*'|“[^”]*”)
      | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/^()<>\[\],])
    )""",
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    toks, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].lstrip()[:1]
            at = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"Unrecognized character '{bad}' at position {at + 1}")
        kind = m.lastgroup or "op"
        start = m.start(kind)
        toks.append(_Tok(kind, m.group(kind), start))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# --- parser (to a small tree of tuples) ----------------------------------------------------

Node = tuple


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            found = f"'{tok.text}'" if tok.kind != "end" else "end of the expression"
            raise ExpressionError(f"Expected '{text}' at position {tok.pos + 1}, found {found}")

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ExpressionError("The expression is empty")
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"Unexpected '{tok.text}' at position {tok.pos + 1}")
        return node

    def _binary(self, ops: dict[str, str], sub: Callable[[], Node]) -> Node:
        node = sub()
        while self.peek().text in ops:
            op = ops[self.take().text]
            node = ("bin", op, node, sub())
        return node

    def or_(self) -> Node:
        return self._binary({"OR": "or", "||": "or"}, self.and_)

    def and_(self) -> Node:
        return self._binary({"AND": "and", "&&": "and"}, self.cmp)

    def cmp(self) -> Node:
        node = self.add()
        if self.peek().text in ("==", "!=", "<=", ">=", "<", ">"):
            op = self.take().text
            node = ("bin", op, node, self.add())
        return node

    def add(self) -> Node:
        return self._binary({"+": "+", "-": "-"}, self.mul)

    def mul(self) -> Node:
        return self._binary({"*": "*", "/": "/"}, self.unary)

    def unary(self) -> Node:
        if self.peek().text == "-":
            self.take()
            return ("neg", self.unary())
        if self.peek().text == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.peek().text == "^":
            self.take()
            return ("bin", "^", base, self.unary())  # right-associative, binds tighter than -
        return base

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return ("num", float(tok.text))
        if tok.kind == "str":
            return ("str", tok.text[1:-1])
        if tok.text == "(":
            node = self.or_()
            self.expect(")")
            return node
        if tok.text == "[":
            items = [self.or_()]
            while self.peek().text == ",":
                self.take()
                items.append(self.or_())
            self.expect("]")
            return ("array", items)
        if tok.kind == "name":
            if self.peek().text == "(":
                self.take()
                args: list[Node] = []
                if self.peek().text != ")":
                    args.append(self.or_())
                    while self.peek().text == ",":
                        self.take()
                        args.append(self.or_())
                self.expect(")")
                return ("call", tok.text, args, tok.pos)
            if tok.text in ("REPEAT", "LINEAR"):
                return ("kw", tok.text)
            return ("id", tok.text, tok.pos)
        found = f"'{tok.text}'" if tok.kind != "end" else "end of the expression"
        raise ExpressionError(f"Unexpected {found} at position {tok.pos + 1}")


def parse(text: str) -> Node:
    """Parse `text` into an expression tree, or raise ExpressionError."""
    return _Parser(text).parse()


def referenced_ids(node: Node) -> set[str]:
    """The query ids an expression tree refers to (not counting METRICS())."""
    kind = node[0]
    if kind == "id":
        return {node[1]}
    if kind == "bin":
        return referenced_ids(node[2]) | referenced_ids(node[3])
    if kind == "neg":
        return referenced_ids(node[1])
    if kind == "array":
        return set().union(*(referenced_ids(n) for n in node[1]))
    if kind == "call":
        return set().union(set(), *(referenced_ids(n) for n in node[2]))
    return set()


def uses_metrics_function(node: Node) -> bool:
    """True when the tree calls METRICS(), which depends on every metric query."""
    if node[0] == "call":
        return node[1] == "METRICS" or any(uses_metrics_function(n) for n in node[2])
    if node[0] == "bin":
        return uses_metrics_function(node[2]) or uses_metrics_function(node[3])
    if node[0] == "neg":
        return uses_metrics_function(node[1])
    if node[0] == "array":
        return any(uses_metrics_function(n) for n in node[1])
    return False


# --- evaluation ----------------------------------------------------------------------------


def _finite(x: float) -> bool:
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
    return r if _finite(r) else None


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
        return [_as_series(binary(op, s, b)) for s in a]
    if isinstance(b, list):
        return [_as_series(binary(op, a, s)) for s in b]
    if isinstance(a, Series) and isinstance(b, Series):
        return _series_op(op, a, b)
    if isinstance(a, Series):
        return _scalar_series_op(op, float(b), a, scalar_left=False)  # type: ignore[arg-type]
    if isinstance(b, Series):
        return _scalar_series_op(op, float(a), b, scalar_left=True)
    r = _apply(op, float(a), float(b))
    return math.nan if r is None else r


def _as_series(v: Value) -> Series:
    assert isinstance(v, Series)
    return v


def _map_points(v: Value, fn: Callable[[float], float], name: str) -> Value:
    if isinstance(v, list):
        return [_as_series(_map_points(s, fn, name)) for s in v]
    if isinstance(v, Series):
        out = {}
        for t, x in v.points.items():
            try:
                r = fn(x)
            except (ValueError, OverflowError):
                continue
            if _finite(r):
                out[t] = r
        return Series(out, v.label, v.period)
    try:
        return fn(float(v))
    except (ValueError, OverflowError):
        return math.nan


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
            _as_series(self.ctx.series[i])
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
        return _map_points(self._series_arg(name, args[0]), fn, name)

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
                if r is not None and _finite(r):
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
        return float(_as_series(self.ctx.series[args[0][1]]).period)

    def _fn_time_series(self, args: list[Node]) -> Value:
        self._arity("TIME_SERIES", args, 1, 1)
        v = self.eval(args[0])
        if not isinstance(v, float | int):
            raise ExpressionError("TIME_SERIES() takes a scalar")
        if not _finite(float(v)):
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
                elif _finite(float(how)):  # type: ignore[arg-type]
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
        return Series({t: v for t, v in out.items() if _finite(v)}, cond.label, cond.period)


def evaluate(text: str, ctx: Context) -> Series | list[Series]:
    """Parse and evaluate `text`; the final result must be a series or an array of them."""
    result = Evaluator(ctx).eval(parse(text))
    if not isinstance(result, Series | list):
        raise ExpressionError(
            "The final result of a math expression must be a time series or an array of time "
            "series, not a single number (e.g. write m1 - AVG(m1), not AVG(m1))"
        )
    return result
