"""Metric math: parsing with offsets for errors, and evaluation equal to arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.runbook.expr import ExprError, evaluate, parse_expr

VALUES = {"a": 3.0, "b": 4.0, "c": -2.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100 * a / b", 75.0),
        ("a - b - c", 1.0),
        ("2 ^ 3 ^ 2", 512.0),
        ("-a ^ 2", -9.0),
        ("ABS(c) * (a + b)", 14.0),
        ("a / (b - 4)", None),  # x/0 is no data, not a crash
        ("a + missing", None),
    ],
)
def test_evaluate(text: str, expected: float | None) -> None:
    assert evaluate(parse_expr(text), VALUES) == expected


@pytest.mark.parametrize(
    ("text", "offset", "words"),
    [
        ("(a + b", 0, "never closed"),
        ("a +", 3, "ends where a value was expected"),
        ("a b", 2, 'unexpected "b"'),
        ("a % b", 2, 'unexpected character "%"'),
        ("SQRT(a)", 0, "unknown function SQRT"),
        ("a * )", 4, 'found ")"'),
    ],
)
def test_syntax_errors_point_at_the_character(text: str, offset: int, words: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse_expr(text)
    assert caught.value.offset == offset and words in str(caught.value)


_atoms = st.sampled_from(["a", "b", "c", "1", "2.5", "10"])


@st.composite
def _expressions(draw, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(_atoms)
    op = draw(st.sampled_from(["+", "-", "*"]))
    left, right = draw(_expressions(depth=depth - 1)), draw(_expressions(depth=depth - 1))
    return f"({left} {op} {right})" if draw(st.booleans()) else f"{left} {op} {right}"


@given(_expressions())
def test_evaluation_agrees_with_arithmetic_precedence(text: str) -> None:
    expected = eval(text, {"__builtins__": {}}, dict(VALUES))  # test oracle only
    assert evaluate(parse_expr(text), VALUES) == pytest.approx(expected)
