"""The long parts of a plan (the step list, each step's detail) as styled lines, written at once.

Issue 20: a plan of 2,000 steps took 9 s, nearly all of it rich measuring one `Table.grid` (and
`Padding`) per step, and then still seconds dividing and styling one big `Text`. These parts are
regular, so they are laid out here once: a label column of one width for the whole plan
(`LABEL_WIDTH`), text wrapped beside it at spaces, styles as the console's own escape codes (none
when it has no colour: a pipe, `NO_COLOR`, `TERM=dumb`). Runbook text is written as text, never
as markup, with control characters removed (ESC too, which rich's `Text` keeps), so it cannot
move the cursor or restyle the terminal.
"""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

from rich.cells import cell_len
from rich.console import COLOR_SYSTEMS, Console
from rich.style import Style
from rich.text import Text

from tui.runbook.durations import format_seconds

RISK_STYLE = {"read-only": "green", "mutating": "yellow", "irreversible": "bold red"}

# Every label a step's detail may show, so the label column is sized once for the whole plan.
_LABELS = (
    "does", "asks", "with", "calls", "records", "checks first", "watches", "checks call",
    "bake", "undo", "replaces",
)  # fmt: skip
LABEL_WIDTH = max(map(len, _LABELS))
INDENT = "    "
# Control characters but the newline and the tab (ESC among them: YAML's "\e" makes one, and it
# would reach the terminal as the start of an escape sequence).
_CONTROLS = dict.fromkeys(c for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10))


class Lines:
    """Styled text gathered for one write to the console's file."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.width = console.width
        self._system = COLOR_SYSTEMS.get(console.color_system or "")
        # NO_COLOR (and --no-color) leave rich a colour system but no colour: bold and dim stay.
        self._no_color = console.no_color
        self._parts: list[str] = []

    def add(self, text: str, style: str = "") -> None:
        """Append text (runbook text welcome: control characters are dropped)."""
        if not text.isprintable():  # checked first: stripping costs more than the check
            text = text.translate(_CONTROLS)
        if style and self._system is not None and text.strip():
            before, after = _codes(style, self._system, self._no_color)
            text = before + text + after
        self._parts.append(text)

    def flush(self) -> None:
        """Write what was gathered (before anything else is printed to the console)."""
        if self._parts:
            self.console.file.write("".join(self._parts))
            self._parts.clear()


@cache
def _codes(style: str, system: Any, no_color: bool = False) -> tuple[str, str]:
    parsed = Style.parse(style)
    marked = (parsed.without_color if no_color else parsed).render("\0", color_system=system)
    before, _, after = marked.partition("\0")
    return before, after


def format_value(value: Any) -> str:
    """A runbook value as a plan shows it: `a: 1, b: [x, y]`, `true`."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def wrapped(value: str, width: int) -> list[str]:
    """`value`'s lines, each wrapped at spaces to `width` cells (a longer word is split)."""
    lines: list[str] = []
    for line in value.split("\n"):
        if cell_len(line) <= width:
            lines.append(line)
        else:
            lines += textwrap.wrap(line, width, break_on_hyphens=False) or [""]
    return lines


def seconds(value: int | None) -> str:
    """A duration as a plan shows it (`-` for none)."""
    return "-" if value is None else format_seconds(value)


def summary(doc: dict[str, Any], out: Lines) -> None:
    """The steps in run order, one line each (two with a service), in columns sized once."""
    # Step names, actions and risk labels are never cut (a person reads them to know what is
    # next and how dangerous it is); a step's wave and service go on a dim line under its name,
    # so the list fits 80 columns with a multi-service runbook too.
    steps = doc["steps"]
    waves = any(step["service"] for step in steps)
    names = [f"{step['order']:>2} {step['id']}" for step in steps]
    asks = [
        " (typed)" if s["confirm"]["phrase"] else (" (y/n)" if s["confirm"]["required"] else "")
        for s in steps
    ]
    header = "# step (wave: service)" if waves else "# step"
    name_w = max([len(header), *map(len, names)])
    action_w = max([len("action"), *(len(s["action"]) for s in steps)])
    risk_w = max((len(s["risk"]) + len(a) for s, a in zip(steps, asks, strict=True)), default=4)
    out.add("Steps, in the order they run", "italic")
    out.add("\n\n")
    out.add(f" {header:<{name_w}}   {'action':<{action_w}}   risk", "bold")
    out.add("\n " + "─" * min(out.width - 2, name_w + action_w + risk_w + 6) + "\n")
    for step, name, ask in zip(steps, names, asks, strict=True):
        out.add(f" {name:<{name_w}}   {step['action']:<{action_w}}   ")
        out.add(step["risk"], RISK_STYLE[step["risk"]])
        out.add(ask, "dim")
        out.add("\n")
        if step["service"]:
            out.add(f"    {step['wave']}: {step['service']}", "dim")
            out.add("\n")
    out.add("\n")


def rows(step: dict[str, Any]) -> list[tuple[str, str]]:
    """A step's detail as (label, text) rows; an empty label continues the row above."""
    phrase = step["confirm"]["phrase"]
    asks = f'types "{phrase}"' if phrase else ("yes/no" if step["confirm"]["required"] else "")
    shown = {k: v for k, v in step["arguments"].items() if v is not None}
    out = [("does", step["summary"])]
    if asks:
        out.append(("asks", asks))
    rule = step.get("approvals")
    if rule:
        who = f" from {', '.join(rule['from'])}" if rule["from"] else ""
        within = seconds(int(rule["timeout_seconds"]))
        approved = f"{rule['required']} other person(s){who}, within {within} (turnout approve)"
        out.append(("approved by", approved))
    out.append(("with", "\n".join(f"{k}: {format_value(v)}" for k, v in shown.items()) or "-"))
    out.append(("calls", ", ".join(step["operations"]) or "no AWS call"))
    if step["records"]:
        out.append(("records", step["records"]))
    # ○, not ✓: nothing has been checked when a plan is drawn (no AWS call is made).
    checks = [f"○ {pre['text']}" for pre in step["preconditions"]]
    out += [("" if i else "checks first", text) for i, text in enumerate(checks)]
    out += [("" if i else "watches", f"◆ {g['text']}") for i, g in enumerate(step["guardrails"])]
    if step["check_operations"]:
        out.append(("checks call", ", ".join(step["check_operations"])))
    if step["bake_seconds"]:
        bake = f"{seconds(step['bake_seconds'])} watching the guardrails after it completes"
        out.append(("bake", bake))
    undo = step["undo"]
    calls = f"  ({', '.join(undo['operations'])})" if undo["operations"] else ""
    out.append(("undo", f"[{undo['kind']}] {undo['summary']}{calls}"))
    if step.get("undoes"):
        out.append(("replaces", f"the automatic undo of {step['undoes']}"))
    return out


def step_detail(step: dict[str, Any], out: Lines) -> None:
    """One step's detail: its head line, then label and text rows."""
    risk = step["risk"]
    head = [
        (f"{step['order']}. {step['id']}", "bold"),
        (f"  {step['title']}" if step["title"] else "", "bold"),
        (f"  {step['action']}  ", ""),
        (risk.upper(), RISK_STYLE[risk]),
        (f"   service {step['service']}, wave {step['wave']}" if step["service"] else "", "dim"),
    ]
    if sum(cell_len(text) for text, _ in head) <= out.width:
        for text, style in head:
            out.add(text, style)
        out.add("\n")
    else:  # rare: let rich wrap the one long head
        out.flush()
        out.console.print(Text.assemble(*head))
    text_width = max(out.width - len(INDENT) - LABEL_WIDTH - 2, 20)
    for label, value in rows(step):
        for line in wrapped(value, text_width):
            if line or label:
                out.add(f"{INDENT}{label:<{LABEL_WIDTH}}  ", "dim")
            out.add(line + "\n")
            label = ""
