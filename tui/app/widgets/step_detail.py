"""The middle pane: the step being looked at. Its title and state, any error on it, its
description as markdown, its parameters, the exact AWS operations it calls, its preconditions
with the live values seen, its guardrails, and its undo."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app.model import SessionModel, StepView
from tui.app.prose import markdown
from tui.app.symbols import STATE_STYLES, state_label
from tui.app.widgets.rendered import rendered_once
from tui.runbook.describe import condition_text
from tui.runbook.durations import format_seconds

RISK_WORDS = {
    "read-only": ("read-only", "green"),
    "mutating": ("changes AWS", "yellow"),
    "irreversible": ("IRREVERSIBLE", "bold white on red"),
}


_NOTHING_YET = object()  # StepDetail has shown nothing yet (not even the overview)


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def title_lines(view: StepView) -> Text:
    """`canary — Shift traffic …` then `▶ running · changes AWS · asks first`."""
    plan = view.plan
    text = Text(view.id, style="bold")
    if view.title and view.title != view.id:
        text.append(f" — {view.title}")
    text.append("\n")
    text.append(state_label(view.state), style=STATE_STYLES[view.state])
    if view.message:
        text.append(f": {view.message}", style=STATE_STYLES[view.state])
    if plan:
        word, style = RISK_WORDS.get(plan.get("risk", ""), (plan.get("risk", ""), ""))
        text.append(" · ")
        text.append(word, style=style)
        confirm = plan.get("confirm") or {}
        if confirm.get("phrase"):
            text.append(f" · you type “{confirm['phrase']}” to go ahead", style="bold")
        elif confirm.get("required"):
            text.append(" · asks you first")
        text.append(f" · {plan.get('action')}", style="dim")
    return text


def notice_lines(view: StepView) -> Text | None:
    """The step's warnings and errors, newest last (never a traceback: the engine's words)."""
    if not view.notices:
        return None
    text = Text()
    for notice in view.notices[-4:]:
        mark, style = {"error": ("✗ error", "bold red"), "warn": ("! warning", "bold yellow")}.get(
            notice.level, ("i", "")
        )
        text.append(f"{mark}: {notice.text}\n", style=style)
    text.rstrip()
    return text


def condition_rows(view: StepView, labelled: list[tuple[str, str]]) -> list[Text]:
    """Each precondition: pass/fail in words with the value seen, or `not checked yet`."""
    rows: list[Text] = []
    seen = set()
    for label, wording in labelled:
        seen.add(label)
        result = view.conditions.get(label)
        if result is None:
            rows.append(Text(f"○ not checked yet: {label} ({wording})", style="dim"))
        else:
            rows.append(_result_text(result.ok, result.overridden, label, result.text))
    for label, result in view.conditions.items():
        if label not in seen:
            rows.append(_result_text(result.ok, result.overridden, label, result.text))
    return rows


def _result_text(ok: bool, overridden: bool, label: str, detail: str) -> Text:
    if ok:
        return Text(f"✓ pass: {label}: {detail}", style="green")
    word = "✗ FAIL (overridden)" if overridden else "✗ FAIL"
    return Text(f"{word}: {label}: {detail}", style="bold red")


def facts_table(view: StepView, labelled: list[tuple[str, str]]) -> Table:
    """Parameters, operations, preconditions, guardrails and undo, as label/value rows."""
    plan = view.plan
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    args = plan.get("arguments") or {}
    if args:
        params = Table.grid(padding=(0, 1))
        params.add_column(style="cyan", no_wrap=True)
        params.add_column()
        shown = {
            k: v for k, v in args.items() if k != "instructions" and v not in (None, [], {}, "")
        }
        for key, value in shown.items():
            params.add_row(key, _value(value))
        if shown:
            table.add_row("Parameters", params)
    if plan.get("operations"):
        table.add_row("AWS operations", Text("\n".join(plan["operations"])))
    if plan.get("check_operations"):
        table.add_row("Checks read", Text(", ".join(plan["check_operations"]), style="dim"))
    rows = condition_rows(view, labelled)
    if rows:
        table.add_row("Preconditions", Group(*rows))
    if plan.get("guardrails"):
        table.add_row("Guardrails", Text("\n".join(g["text"] for g in plan["guardrails"])))
    if plan.get("bake_seconds"):
        table.add_row("Bake", str(plan["bake_seconds"]))
    undo = plan.get("undo") or {}
    if undo:
        text = Text(undo.get("summary", ""))
        if undo.get("operations"):
            text.append("\n" + ", ".join(undo["operations"]), style="dim")
        table.add_row("Undo", text)
    return table


def step_markdown(view: StepView) -> str:
    """The description, and a manual step's instructions (what the person must do)."""
    plan = view.plan
    parts = [str(plan.get("description") or "")]
    instructions = (plan.get("arguments") or {}).get("instructions")
    if instructions:
        parts.append(f"**What you do**\n\n{instructions}")
    return "\n\n".join(p for p in parts if p.strip())


class StepDetail(VerticalScroll):
    """The step the operator is looking at (the current one unless they moved)."""

    DEFAULT_CSS = """
    StepDetail { height: 1fr; border: round $primary 60%; padding: 0 1; }
    StepDetail #detail-description { margin: 0 0 1 0; }
    StepDetail #detail-notices { color: $error; }
    """

    def __init__(self, model: SessionModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.border_title = "Step"
        self.can_focus = False
        # Not None: None is the overview, and the first show_step(None) must render its
        # description (it compared equal and the runbook's description never appeared).
        self._shown: str | object | None = _NOTHING_YET

    def compose(self) -> ComposeResult:
        """Title, notices, description, facts (the last two through `rendered_once` when
        drawn: Textual renders them to measure, then to draw)."""
        yield Static(id="detail-title")
        yield Static(id="detail-notices")
        # Rich's Markdown (tui/app/prose.py) in one Static, not Textual's Markdown widget: that
        # one mounts a widget per block, and moving through the steps repainted too slowly.
        yield Static(id="detail-description")
        yield Static(id="detail-facts")

    def show_step(self, step_id: str | None) -> None:
        """Show `step_id` (re-render the markdown only when the step changes: it is costly)."""
        if step_id != self._shown:
            self._shown = step_id
            self.scroll_home(animate=False)
            description = rendered_once(markdown(self._markdown(step_id)))
            self.query_one("#detail-description", Static).update(description)
        self.refresh_facts()

    def refresh_facts(self) -> None:
        """Redraw what changes while a step runs: state, notices, live precondition values."""
        title = self.query_one("#detail-title", Static)
        notices = self.query_one("#detail-notices", Static)
        facts = self.query_one("#detail-facts", Static)
        view = self.model.step(self._shown)
        if view is None:
            title.update(Text(self.model.title or self.model.name, style="bold"))
            notices.update("")
            facts.update(rendered_once(Group(self._params(), self._checklist())))
            self.border_title = "Overview"
            return
        self.border_title = "Step"
        title.update(title_lines(view))
        notices.update(notice_lines(view) or "")
        facts.update(rendered_once(facts_table(view, self._labelled(view))))

    def _markdown(self, step_id: str | None) -> str:
        view = self.model.step(step_id)
        if view is not None:
            return step_markdown(view)
        return self.model.runbook.description if self.model.runbook else ""

    def _labelled(self, view: StepView) -> list[tuple[str, str]]:
        runbook = self.model.runbook
        if runbook is None:
            return []
        try:
            step = runbook.step(view.id)
        except KeyError:
            return []
        return [(c.label, condition_text(c)) for c in step.preconditions]

    def _params(self) -> RenderableType:
        """The runbook's params and their values for this run (secrets masked, durations as
        written), so the checklist's "check the AMI id" has the id in front of the person."""
        if not self.model.params:
            return Text("")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column()
        table.add_column(style="dim", no_wrap=True)
        for name, param in self.model.params.items():
            value = param["value"]
            if param.get("type") == "duration" and isinstance(value, int | float):
                value = format_seconds(int(value))
            table.add_row(name, _value(value), "--set" if param.get("source") == "set" else "")
        return Group(Text("Parameters of this run:", style="bold"), table, Text(""))

    def _checklist(self) -> RenderableType:
        items = self.model.checklist
        if not items:
            return Text("This runbook has no compatibility checklist.", style="dim")
        lines = [Text("Compatibility checklist (each is confirmed before any change):", "bold")]
        for n, item in enumerate(items, start=1):
            mark, style = {True: ("✓ confirmed", "green"), False: ("✗ refused", "bold red")}.get(
                item.confirmed,
                ("○ not yet", "dim"),  # type: ignore[arg-type]
            )
            lines.append(Text(f"{n}. ", style="bold") + Text(f"{mark}: ", style) + Text(item.text))
        return Group(*lines)
