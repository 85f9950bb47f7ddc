"""`turnout plan` laid out as lines (issue 20): one label column for the whole plan, text that
wraps beside it, nothing from a runbook that can steer the terminal, and `--json` that is the
plan document, a step to a line."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from tui.commands.plan_lines import LABEL_WIDTH
from tui.commands.plan_view import render_plan
from tui.runbook.loader import load_runbook
from tui.runbook.plan import plan_document

ROOT = Path(__file__).resolve().parents[2]
LABEL_ROW = re.compile(r"^    (does|with|calls|undo)( +)\S")


def _plan(path: Path, width: int = 80, **console: object) -> str:
    out = io.StringIO()
    render_plan(plan_document(load_runbook(path)), Console(file=out, width=width, **console))
    return out.getvalue()


def test_every_step_shares_one_label_column() -> None:
    """The old plan sized a grid per step: "does" sat 5, 9 or 14 columns from its text."""
    for name in ("alb-canary", "multi-service", "rds-blue-green"):
        text = _plan(ROOT / "runbooks" / f"{name}.yaml")
        gaps = {len(m[2]) + len(m[1]) for m in map(LABEL_ROW.match, text.splitlines()) if m}
        assert gaps == {LABEL_WIDTH + 2}, (name, gaps)


def test_long_text_wraps_under_itself_within_the_width(write) -> None:
    words = " ".join(f"word{n}" for n in range(60))
    path = write(
        f"""\
runbook: wide
title: Wide
target: {{account: "123456789012", region: us-east-1}}
steps:
  - id: ask
    action: manual
    with: {{instructions: "{words}"}}
"""
    )
    lines = _plan(path, width=60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    start = next(i for i, line in enumerate(lines) if "instructions: word0" in line)
    column = lines[start].index("instructions")
    follow = lines[start + 1]
    assert follow[:column].strip() == "" and follow[column:].startswith("word"), follow
    assert " ".join(lines[start : start + 20]).split().count("word59") == 1


def test_runbook_text_cannot_reach_the_terminal_as_escape_codes(write) -> None:
    """YAML's "\\e" makes an ESC: in a step's text it must not clear or restyle the screen."""
    path = write(
        """\
runbook: esc
title: Esc
target: {account: "123456789012", region: us-east-1}
steps:
  - id: ask
    title: "fine\\e[2J\\e]0;owned\\a"
    action: manual
    with: {instructions: "do it\\e[31m now\\r"}
"""
    )
    for console in ({}, {"force_terminal": True, "color_system": "truecolor"}):
        text = _plan(path, **console)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)  # the plan's own styles, when coloured
        assert "\x1b" not in plain and "\a" not in plain and "\r" not in plain
        assert "fine[2J]0;owned" in plain and "do it[31m now" in plain


def test_plan_without_colour_has_no_escape_codes() -> None:
    text = _plan(ROOT / "runbooks" / "alb-canary.yaml", color_system=None)
    assert "\x1b" not in text


def test_plan_json_is_the_document_a_step_to_a_line(turnout) -> None:
    path = ROOT / "runbooks" / "multi-service.yaml"
    result = turnout("plan", str(path), "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc == json.loads(json.dumps(plan_document(load_runbook(path))))
    step_lines = [line for line in result.out.splitlines() if line.startswith('    {"order": ')]
    assert len(step_lines) == len(doc["steps"])
