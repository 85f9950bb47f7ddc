"""The plan rendered with rich for a person in a maintenance window (from the plan document)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from tui.runbook.durations import format_seconds

RISK_STYLE = {"read-only": "green", "mutating": "yellow", "irreversible": "bold red"}


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _seconds(seconds: int | None) -> str:
    return "-" if seconds is None else format_seconds(seconds)


def _row(grid: Table, label: str, value: str) -> None:
    # Text, not markup: runbook text may hold [brackets] that rich would read as styles.
    grid.add_row(label, Text(value))


def _header(doc: dict[str, Any]) -> Panel:
    book, target = doc["runbook"], doc["target"]
    facts = Text.assemble(
        ("file ", "dim"),
        book["file"],
        ("   target ", "dim"),
        f"account {target['account']}, region {target['region']}",
        ("   window ", "dim"),
        _seconds(doc["window_seconds"]),
    )
    # The title goes in the body, where it wraps: as the panel's title a long one was cut at
    # 80 columns ("…as a canary  (al─").
    title = Text.assemble((book["title"], "bold"), ("  ", ""), (f"({book['name']})", "dim"))
    parts: list[Any] = [title, facts]
    if book["description"]:
        parts += [Text(""), Markdown(book["description"])]
    return Panel(Group(*parts))


def _params(doc: dict[str, Any]) -> Table:
    table = Table(title="Params", title_justify="left", expand=False)
    table.add_column("name")
    table.add_column("value")
    table.add_column("from", style="dim")
    for name, param in doc["params"].items():
        source = "--set" if param["source"] == "set" else "default"
        table.add_row(name, Text(_value(param["value"])), source)
    return table


def _summary(doc: dict[str, Any]) -> Table:
    table = Table(
        title="Steps, in the order they run",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    # Step names, actions and risk labels are never cut (a person reads them to know what is
    # next and how dangerous it is): no column wraps, and a step's wave and service go on a dim
    # line under its name, so the table fits 80 columns with a multi-service runbook too.
    waves = any(step["service"] for step in doc["steps"])
    table.add_column("# step (wave: service)" if waves else "# step", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("risk", no_wrap=True)
    for step in doc["steps"]:
        confirm = step["confirm"]
        asks = " (typed)" if confirm["phrase"] else (" (y/n)" if confirm["required"] else "")
        risk = Text(step["risk"], style=RISK_STYLE[step["risk"]]) + Text(asks, style="dim")
        name = Text(f"{step['order']:>2} {step['id']}")
        if step["service"]:
            name.append(f"\n   {step['wave']}: {step['service']}", style="dim")
        table.add_row(name, step["action"], risk)
    return table


def _step_detail(step: dict[str, Any]) -> Group:
    risk = step["risk"]
    head = Text.assemble(
        (f"{step['order']}. {step['id']}", "bold"),
        (f"  {step['title']}" if step["title"] else "", "bold"),
        f"  {step['action']}  ",
        (risk.upper(), RISK_STYLE[risk]),
        (f"   service {step['service']}, wave {step['wave']}" if step["service"] else "", "dim"),
    )
    phrase = step["confirm"]["phrase"]
    asks = f'types "{phrase}"' if phrase else ("yes/no" if step["confirm"]["required"] else "")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    _row(grid, "does", step["summary"])
    if asks:
        _row(grid, "asks", asks)
    rule = step.get("approvals")
    if rule:
        who = f" from {', '.join(rule['from'])}" if rule["from"] else ""
        within = _seconds(int(rule["timeout_seconds"]))
        _row(
            grid,
            "approved by",
            f"{rule['required']} other person(s){who}, within {within} (turnout approve)",
        )
    shown = {k: v for k, v in step["arguments"].items() if v is not None}
    _row(grid, "with", "\n".join(f"{k}: {_value(v)}" for k, v in shown.items()) or "-")
    _row(grid, "calls", ", ".join(step["operations"]) or "no AWS call")
    if step["records"]:
        _row(grid, "records", step["records"])
    for i, pre in enumerate(step["preconditions"]):
        # ○, not ✓: nothing has been checked when a plan is drawn (no AWS call is made).
        _row(grid, "checks first" if i == 0 else "", f"○ {pre['text']}")
    for i, guard in enumerate(step["guardrails"]):
        _row(grid, "watches" if i == 0 else "", f"◆ {guard['text']}")
    if step["check_operations"]:
        _row(grid, "checks call", ", ".join(step["check_operations"]))
    if step["bake_seconds"]:
        _row(
            grid,
            "bake",
            f"{_seconds(step['bake_seconds'])} watching the guardrails after it completes",
        )
    undo = step["undo"]
    calls = f"  ({', '.join(undo['operations'])})" if undo["operations"] else ""
    _row(grid, "undo", f"[{undo['kind']}] {undo['summary']}{calls}")
    if step.get("undoes"):
        _row(grid, "replaces", f"the automatic undo of {step['undoes']}")
    parts: list[Any] = [head, Padding(grid, (0, 0, 0, 4))]
    if step["description"]:
        parts.append(Padding(Markdown(step["description"]), (0, 0, 0, 4)))
    return Group(*parts, Text(""))


def render_plan(doc: dict[str, Any], console: Console) -> None:
    """Print the whole plan: header, params, checklist, waves, steps, rollback, operations."""
    console.print(_header(doc))
    if doc["params"]:
        console.print(_params(doc))
    if doc["checklist"]:
        console.print(Rule("Checklist: confirmed one by one before anything changes", align="left"))
        # A grid, so a wrapped item stays under its own text, not under its box.
        items = Table.grid(padding=(0, 1, 0, 0))
        items.add_column(no_wrap=True)
        items.add_column()
        for n, item in enumerate(doc["checklist"], start=1):
            items.add_row(Text(f"  [ ] {n}."), Text(item))
        console.print(items)
    if doc["waves"]:
        console.print(
            Rule("Services in dependency order (each wave after the one before)", align="left")
        )
        for n, wave in enumerate(doc["waves"], start=1):
            console.print(Text(f"  wave {n}: {', '.join(wave)}"))
    console.print(_summary(doc))
    console.print(Rule("Each step", align="left"))
    for step in doc["steps"]:
        console.print(_step_detail(step))
    console.print(Rule("Rollback", align="left"))
    console.print(Padding(Text(f"{doc['rollback']['automatic'].capitalize()}."), (0, 0, 0, 2)))
    for step in doc["rollback"]["steps"]:
        console.print(_step_detail(step))
    console.print(Rule("AWS operations this run may call (for an IAM policy)", align="left"))
    console.print(Padding(Text(", ".join(doc["operations"])), (0, 0, 0, 2)))
    console.print("\n[dim]No AWS call was made to draw this plan.[/dim]")
