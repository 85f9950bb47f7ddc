"""Hostile input stays bounded: files that are not files, or too big, numbers too long to read,
expressions too deep, patterns that backtrack. Each is a located problem (exit 2), never a hang,
a traceback or exit 1. The small hostile runbooks are in broken/ (test_broken_corpus.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.rehearsal.scenario_loader import load_scenario_spec
from tui.runbook.actions import CATALOGUE
from tui.runbook.bounded_read import MAX_FILE_BYTES
from tui.runbook.expr import MAX_CHARS, ExprError, parse_expr
from tui.runbook.patterns import compile_pattern, matches
from tui.runbook.problems import RunbookInvalid


def _only_problem(path: Path | str) -> str:
    from tui.runbook.loader import load_runbook

    with pytest.raises(RunbookInvalid) as caught:
        load_runbook(path)
    (problem,) = caught.value.problems
    return str(problem)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "runbook.yaml"
    os.mkfifo(fifo)  # no writer: opening it for reading the ordinary way would block for ever
    assert _only_problem(fifo) == (
        f"{fifo}:1:1: a named pipe (FIFO), not a file: give the path of a YAML file"
    )


def test_dev_zero_is_refused_without_reading_it() -> None:
    assert _only_problem("/dev/zero") == (
        "/dev/zero:1:1: a character device, not a file: give the path of a YAML file"
    )


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert _only_problem(tmp_path).endswith(
        ":1:1: a directory, not a file: give the path of a YAML file"
    )


def test_a_20_mb_runbook_is_too_large_not_an_alias_problem(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    step = "  - {id: w, action: wait, with: {duration: 1s}}\n"
    big.write_text("runbook: big\ntitle: t\nsteps:\n" + step * (20_000_000 // len(step)))
    message = _only_problem(big)
    assert message == (
        f"{big}:1:1: file too large (20.0 MB, the limit is 2.0 MB): a runbook of 2,000 steps "
        "is about 0.6 MB; check that this is the file you meant"
    )


def test_the_limit_leaves_room_for_the_benchmark_runbook() -> None:
    """bench/plan_large.py's 500 services and 2,000 steps must load: its runbook is 0.55 MB."""
    from bench.plan_large import generate

    assert len(generate(1).encode()) * 3 < MAX_FILE_BYTES


def test_a_scenario_file_is_read_with_the_same_bounds() -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_scenario_spec("/dev/zero")
    assert [str(p) for p in caught.value.problems] == [
        "/dev/zero:1:1: a character device, not a file: give the path of a YAML file"
    ]


@pytest.mark.parametrize(
    ("pairs", "words"),
    [
        (["count=" + "9" * 5000], "a number of 5000 digits: turnout reads numbers of at most 4300"),
        (["bake=" + "9" * 30 + "s"], "longer than turnout waits for anything: at most 720h"),
    ],
)
def test_set_values_too_long_to_read_are_located_problems(write, pairs, words) -> None:
    from tui.runbook.loader import load_runbook_with_set

    path = write(
        'runbook: r\ntitle: t\ntarget: {account: "123456789012", region: us-east-1}\n'
        "params:\n  count: {type: integer, default: 1}\n  bake: {type: duration, default: 1s}\n"
        "steps: [{id: a, action: wait, with: {duration: '${bake}'}}]\n"
    )
    with pytest.raises(RunbookInvalid) as caught:
        load_runbook_with_set(path, pairs)
    (problem,) = caught.value.problems
    assert words in problem.message
    assert len(problem.message) < 200  # the 5000 digits are not echoed back


def test_re2_matches_the_backtracking_pattern_and_says_no() -> None:
    """`^(a+)+$` against a's and a `!`: exponential in `re`, linear in RE2."""
    assert not matches("^(a+)+$", "a" * 100_000 + "!")
    assert matches("^(a+)+$", "a" * 100_000)


def test_every_pattern_turnout_ships_compiles_in_re2() -> None:
    """Action arguments' patterns are matched by the same RE2 as a runbook's own."""
    patterns = [
        arg.constraints.pattern
        for action in CATALOGUE.values()
        for arg in action.args
        if arg.constraints.pattern
    ]
    assert patterns
    for pattern in patterns:
        compile_pattern(pattern)


_PIECES = st.sampled_from(["a", "b", "1", "2.5e3", "(", ")", "-", "+", "*", "/", "^", "ABS(", " "])


@given(st.lists(_PIECES, max_size=MAX_CHARS + 200).map("".join))
def test_any_expression_text_parses_or_is_an_expr_error(text: str) -> None:
    """Bounded by size, not by a timer: text up to a little past the length limit."""
    with contextlib.suppress(ExprError):
        parse_expr(text)


@pytest.mark.parametrize("opener", ["(", "-", "ABS("])
def test_deep_expressions_are_expr_errors(opener: str) -> None:
    with pytest.raises(ExprError, match="nest more than 32 deep"):
        parse_expr(opener * 300 + "a" + ")" * (300 if opener != "-" else 0))
