"""Guardrail metric math: the arithmetic subset of CloudWatch metric math turnout understands.

`100 * errors / requests` is parsed (never evaluated as code) into a small tree over named
metrics, so the loader can point at a misspelt name or a stray bracket, and the engine can
evaluate it on each period's datapoints. Grammar: numbers, metric names (which start with a
lowercase letter, as CloudWatch ids must), `+ - * / ^`, unary minus, parentheses and `ABS(x)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

FUNCTIONS = ("ABS",)

# CloudWatch takes a metric-math expression of at most 2048 characters (MetricDataQuery,
# Expression: "Maximum length of 2048"), so a longer one could never be sent. Within that,
# brackets a thousand deep or a thousand terms would recurse past Python's limit here and in
# `names` and `evaluate`; real guardrails use a handful of terms, two or three brackets deep.
MAX_CHARS = 2048
MAX_DEPTH = 32
MAX_TERMS = 100

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/^(),]))"
)


class ExprError(ValueError):
    """A syntax error at character `offset` of the expression."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Num:
    """A number."""

    value: float


@dataclass(frozen=True)
class Name:
    """A reference to a metric named in `metrics:`; `offset` is where it is written."""

    name: str
    offset: int


@dataclass(frozen=True)
class Unary:
    """`-x`."""

    operand: Expr


@dataclass(frozen=True)
class Binary:
    """`left op right`."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    """`ABS(x)`."""

    function: str
    argument: Expr


Expr = Num | Name | Unary | Binary | Call

_BINDING = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    found, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            offset = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ExprError(f'unexpected character "{text[offset]}"', offset)
        kind = match.lastgroup or "op"
        found.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    found.append(("end", "", len(text)))
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0  # brackets, ABS( and unary minus around the current operand
        self.terms = 0  # numbers and metric names so far

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.pos]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expression(self, min_binding: int = 1) -> Expr:
        left = self.operand()
        while True:
            kind, text, _ = self.peek()
            binding = _BINDING.get(text, 0) if kind == "op" else 0
            if binding == 0 or binding < min_binding:
                return left
            self.take()
            # `^` is right-associative, the others left-associative.
            right = self.expression(binding if text == "^" else binding + 1)
            left = Binary(text, left, right)

    def operand(self) -> Expr:
        kind, text, offset = self.take()
        if kind == "number" or (kind == "name" and self.peek()[1] != "("):
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise ExprError(
                    f"more than {MAX_TERMS} numbers and metric names: split it into "
                    "guardrails of their own",
                    offset,
                )
            return Num(float(text)) if kind == "number" else Name(text, offset)
        if kind == "op" and text == "-":
            return Unary(self.nested(offset, lambda: self.expression(3)))
        if kind == "op" and text == "(":
            inner = self.nested(offset, self.expression)
            self.expect(")", offset, "this bracket is never closed")
            return inner
        if kind == "name":
            if text not in FUNCTIONS:
                raise ExprError(f"unknown function {text}: turnout evaluates only ABS", offset)
            self.take()
            inner = self.nested(offset, self.expression)
            self.expect(")", offset, f"{text}( is never closed")
            return Call(text, inner)
        if kind == "end":
            raise ExprError("the expression ends where a value was expected", offset)
        raise ExprError(f'expected a number, a metric name or "(", found "{text}"', offset)

    def nested(self, offset: int, parse: Callable[[], Expr]) -> Expr:
        """`parse()` one level deeper, refused past MAX_DEPTH."""
        if self.depth >= MAX_DEPTH:
            raise ExprError(
                f"brackets, ABS( and minus signs nest more than {MAX_DEPTH} deep here", offset
            )
        self.depth += 1
        try:
            return parse()
        finally:
            self.depth -= 1

    def expect(self, text: str, opened_at: int, message: str) -> None:
        kind, found, offset = self.take()
        if found != text:
            raise ExprError(message, opened_at if kind == "end" else offset)


def parse_expr(text: str) -> Expr:
    """Parse a metric-math expression; raise ExprError at the offending character."""
    if len(text) > MAX_CHARS:
        raise ExprError(
            f"{len(text)} characters long: CloudWatch metric math takes at most {MAX_CHARS}",
            MAX_CHARS,
        )
    parser = _Parser(text)
    tree = parser.expression()
    kind, found, offset = parser.peek()
    if kind != "end":
        raise ExprError(f'unexpected "{found}" after a complete expression', offset)
    return tree


def names(tree: Expr) -> list[Name]:
    """Every metric name the expression refers to, in the order written."""
    if isinstance(tree, Name):
        return [tree]
    if isinstance(tree, Unary):
        return names(tree.operand)
    if isinstance(tree, Call):
        return names(tree.argument)
    if isinstance(tree, Binary):
        return names(tree.left) + names(tree.right)
    return []


def evaluate(tree: Expr, values: Mapping[str, float | None]) -> float | None:
    """The value for one period; None (no data) if a metric has no datapoint or x/0."""
    if isinstance(tree, Num):
        return tree.value
    if isinstance(tree, Name):
        return values.get(tree.name)
    if isinstance(tree, Unary):
        inner = evaluate(tree.operand, values)
        return None if inner is None else -inner
    if isinstance(tree, Call):
        inner = evaluate(tree.argument, values)
        return None if inner is None else abs(inner)
    left, right = evaluate(tree.left, values), evaluate(tree.right, values)
    if left is None or right is None:
        return None
    if tree.op == "+":
        return left + right
    if tree.op == "-":
        return left - right
    if tree.op == "*":
        return left * right
    if tree.op == "/":
        return None if right == 0 else left / right
    return float(left**right)
