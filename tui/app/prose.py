"""A runbook's prose (descriptions, a manual step's instructions) drawn as rich's `Markdown`
draws it, without loading markdown-it for the common case.

rich's `Markdown` imports markdown-it and, through its code blocks, Pygments: a quarter of what
the app imported before the session screen's first paint, for descriptions that are nearly all
plain paragraphs with some **strong**, *emphasis* and `code`. `markdown(text)` draws those
paragraphs itself, with exactly the segments rich's `Markdown` would produce (the same styles
from the console's theme, the same text runs, the same blank line between paragraphs;
tests/app/test_prose.py compares the two), and hands anything else (lists, headings, links,
tables, escapes, `_`, nesting, …) to rich's `Markdown`, imported then.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

Run = tuple[str, tuple[str, ...]]
"""A piece of a paragraph and its inline tags (`strong`, `em`, `code`), outermost first."""

# Characters that start something this module does not draw, anywhere outside code spans:
# escapes, entities, HTML and autolinks, links and images, `_` emphasis, strikethrough, tables.
_AWAY = frozenset("\\&<[_~|")
# A line starting with one of these may be a heading, quote, list, rule, fence or setext line
# (a fence of backticks is a run of several: `_inline` refuses those).
_BLOCK_STARTS = frozenset("#>-+=_~|<[")
_ORDERED = re.compile(r"\d{1,9}[.)]( |$)")
_PUNCTUATION = frozenset(string.punctuation)


def markdown(text: str) -> RenderableType:
    """`text` as rich's `Markdown(text)` draws it (drawn here when it is plain paragraphs)."""
    paragraphs = paragraph_runs(text)
    if paragraphs is None:
        from rich.markdown import Markdown

        return Markdown(text)
    return Paragraphs(paragraphs)


class Paragraphs:
    """Paragraphs of runs, rendered as rich's `Markdown` renders paragraphs."""

    def __init__(self, paragraphs: list[list[Run]]) -> None:
        self.paragraphs = paragraphs

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        """Each paragraph a left-justified `Text` in `markdown.paragraph` (plus its inline
        styles), a blank line between two, as `Markdown.__rich_console__` yields them."""
        options = options.update(height=None)
        paragraph = console.get_style("none", default="none") + console.get_style(
            "markdown.paragraph", default="none"
        )
        styles = {
            tag: console.get_style(f"markdown.{tag}", default="none")
            for tag in ("strong", "em", "code")
        }
        for n, runs in enumerate(self.paragraphs):
            text = Text(justify="left")
            for piece, tags in runs:
                style = paragraph
                for tag in tags:
                    style += styles[tag]
                text.append(piece, style)
            if n:
                yield Segment.line()
            yield from console.render(text, options)


def paragraph_runs(text: str) -> list[list[Run]] | None:
    """The paragraphs of `text` as runs, or None when it holds anything but plain paragraphs
    of text, `*em*`, `**strong**` and `` `code` `` (then rich's Markdown must draw it)."""
    if "\r" in text or "\0" in text or "\t" in text:
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if len(line) - len(stripped) >= 4 or line.endswith(" ") or _starts_a_block(stripped):
            return None
        paragraphs[-1].append(stripped)
    out: list[list[Run]] = []
    for lines in paragraphs:
        if lines:
            runs = _inline("\n".join(lines))
            if runs is None:
                return None
            out.append(runs)
    return out


def _starts_a_block(line: str) -> bool:
    if line[0] in _BLOCK_STARTS or _ORDERED.match(line):
        return True
    # `* item` and `***` are a list and a rule; `**strong**` and `*em*` are not.
    return line[0] == "*" and (line[1:2] in ("", " ") or not line.strip("* "))


def _inline(content: str) -> list[Run] | None:
    """The runs of one paragraph, split where markdown-it splits its inline tokens (at each
    emphasis delimiter, line break and code span), so the spans come out the same."""
    runs: list[Run] = []
    tags: tuple[str, ...] = ()
    opened = 0  # the length of the open delimiter run (0: none open)
    pos = 0
    while pos < len(content):
        char = content[pos]
        if char == "`":
            end = content.find("`", pos + 1)
            if end < 0 or end == pos + 1 or content[end + 1 : end + 2] == "`":
                return None  # unclosed, empty or a run of several backticks
            code = content[pos + 1 : end]
            if "\n" in code or code[0] == " " or code[-1] == " ":
                return None
            runs.append((code, (*tags, "code")))
            pos = end + 1
        elif char == "*":
            end = pos
            while end < len(content) and content[end] == "*":
                end += 1
            length = end - pos
            kind = _delimiter(content, pos, end)
            if length > 2 or kind is None:
                return None
            if kind == "open" and not opened:
                opened, tags = length, ("strong" if length == 2 else "em",)
            elif kind == "close" and opened == length:
                opened, tags = 0, ()
            else:
                return None  # nested, unmatched or mismatched: markdown-it's rules decide
            runs.append(("", tags))  # a boundary: the next text is a run of its own
            pos = end
        elif char == "\n":
            runs.append((" ", tags))  # a soft line break is a space, in its own run
            pos += 1
        elif char in _AWAY:
            return None
        else:
            end = pos + 1
            while end < len(content) and content[end] not in "`*\n" and content[end] not in _AWAY:
                end += 1
            runs.append((content[pos:end], tags))
            pos = end
    if opened:
        return None
    return [run for run in runs if run[0]]


def _delimiter(content: str, start: int, end: int) -> str | None:
    """`open` or `close` for the run of `*` at `start:end`, by CommonMark's flanking rules;
    None when it could be both or neither, or a neighbour is not ASCII (whose class as
    whitespace or punctuation this module does not decide)."""
    before = content[start - 1] if start else "\n"
    after = content[end] if end < len(content) else "\n"
    if not (before.isascii() and after.isascii()):
        return None
    space_before, space_after = before in " \n", after in " \n"
    punct_before, punct_after = before in _PUNCTUATION, after in _PUNCTUATION
    left = not space_after and (not punct_after or space_before or punct_before)
    right = not space_before and (not punct_before or space_after or punct_after)
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    return None
