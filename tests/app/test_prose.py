"""The app draws plain paragraphs without markdown-it: exactly as rich's Markdown would."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown

from tui.app.prose import Paragraphs, markdown, paragraph_runs
from tui.runbook.loader import load_runbook

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (12, 33, 80, 121)


def rendered(renderable: object, width: int) -> list[object]:
    console = Console(width=width, force_terminal=True, color_system="truecolor")
    return list(console.render(renderable, console.options))


def assert_drawn_as_rich_draws(text: str) -> None:
    runs = paragraph_runs(text)
    if runs is None:
        return  # rich's Markdown draws it
    for width in WIDTHS:
        assert rendered(Paragraphs(runs), width) == rendered(Markdown(text), width), width


def runbook_prose() -> list[str]:
    texts = []
    for path in sorted((ROOT / "runbooks").glob("*.yaml")):
        runbook = load_runbook(path)
        texts.append(runbook.description)
        for step in (*runbook.steps, *runbook.rollback):
            texts.append(step.description)
            if step.arguments.get("instructions"):
                texts.append(f"**What you do**\n\n{step.arguments['instructions']}")
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one paragraph",
        "a **strong** word, an *emphasised* one and `code`\nover two lines",
        "  indented start\n   and a continuation",
        "first\n\n\nsecond\n\nthird **spans\nlines**",
        "**What you do**\n\nLeave **web-asg** as it is.",
        "*a* b **c** d `e` *f*.",
        "5 % then 25 %: (weights) 'quoted' \"double\" {braces} $5 #3 a-b a+b a=b",
        "**`code in strong`** and *`in em`*",
        "`a*b*c` stays code",
    ],
)
def test_paragraphs_are_drawn_here_and_exactly_as_rich_draws_them(text: str) -> None:
    assert paragraph_runs(text) is not None
    assert_drawn_as_rich_draws(text)


@pytest.mark.parametrize(
    "text",
    [
        "# heading",
        "- item",
        "* item",
        "1. first",
        "para\n2) second",
        "> quote",
        "***",
        "text\n===",
        "    indented code",
        "```\nfence\n```",
        "a [link](b)",
        "snake_case",
        "a\\*b",
        "AT&amp;T",
        "<b>html</b>",
        "~~gone~~",
        "a | b",
        "hard break  \nnext",
        "**a *nested* b**",
        "an * alone",
        "*unclosed",
        "***strong em***",
        "`unclosed",
        "``double``",
        "` spaced `",
        "→*arrow*",
        "tab\there",
    ],
)
def test_anything_else_goes_to_rich(text: str) -> None:
    assert paragraph_runs(text) is None
    assert isinstance(markdown(text), Markdown)


def test_the_shipped_runbooks_prose_draws_as_rich_draws_it() -> None:
    texts = runbook_prose()
    drawn_here = [text for text in texts if paragraph_runs(text) is not None]
    assert len(drawn_here) > len(texts) * 3 // 4  # lists (and only lists) go to rich
    for text in texts:
        assert_drawn_as_rich_draws(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab *`\n\n.1-#_[]()&<>\\~|é→", max_size=40))
def test_whatever_is_drawn_here_is_drawn_as_rich_draws_it(text: str) -> None:
    assert_drawn_as_rich_draws(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["word", " ", "\n", "\n\n", "**", "*", "`", "x", ".", ",", "  ", "(", ")"]),
        max_size=24,
    )
)
def test_runs_of_delimiters_and_words_are_drawn_as_rich_draws_them(pieces: list[str]) -> None:
    assert_drawn_as_rich_draws("".join(pieces))
