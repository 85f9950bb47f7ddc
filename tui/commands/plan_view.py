"""The plan rendered with rich for a person in a maintenance window (from the plan document)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from tui.commands import plan_lines
from tui.commands.plan_lines import Lines, format_value, seconds


def _header(doc: dict[str, Any]) -> Panel:
    book, target = doc["runbook"], doc["target"]
    facts = Text.assemble(
        ("file ", "dim"),
        book["file"],
        ("   target ", "dim"),
        f"account {target['account']}, region {target['region']}",
        ("   window ", "dim"),
        seconds(doc["window_seconds"]),
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
        table.add_row(name, Text(format_value(param["value"])), source)
    return table


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
    out = Lines(console)
    plan_lines.summary(doc, out)
    out.flush()
    console.print(Rule("Each step", align="left"))
    _print_steps(doc["steps"], out)
    console.print(Rule("Rollback", align="left"))
    console.print(Padding(Text(f"{doc['rollback']['automatic'].capitalize()}."), (0, 0, 0, 2)))
    _print_steps(doc["rollback"]["steps"], out)
    if doc.get("notify"):
        console.print(Rule("Webhooks told as it runs (notify only)", align="left"))
        for target in doc["notify"]:
            heard = ", ".join(target["events"])
            console.print(Text(f"  {target['url']} ({target['format']}): {heard}"))
    console.print(Rule("AWS operations this run may call (for an IAM policy)", align="left"))
    console.print(Padding(Text(", ".join(doc["operations"])), (0, 0, 0, 2)))
    console.print("\n[dim]No AWS call was made to draw this plan.[/dim]")


def _print_steps(steps: list[dict[str, Any]], out: Lines) -> None:
    """Steps' details, written as lines (a description's Markdown printed by rich between)."""
    for step in steps:
        plan_lines.step_detail(step, out)
        if step["description"]:
            out.flush()
            out.console.print(Padding(Markdown(step["description"]), (0, 0, 0, 4)))
        out.add("\n")
    out.flush()
