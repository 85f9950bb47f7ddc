"""The runbook picker: the runbooks on the left with their risk in words, the highlighted one's
title, description, window and steps on the right, and the scenario a rehearsal would run (`s`
chooses another). Enter rehearses it; `x` runs it for real."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.runbook_entries import PickerChoice, RunbookEntry, ScenarioEntry, scenarios_for

RISK_LABELS = {
    "read-only": ("read-only", "green"),
    "mutating": ("changes AWS", "yellow"),
    "irreversible": ("IRREVERSIBLE step", "bold red"),
}


def entry_prompt(entry: RunbookEntry) -> Text:
    """`alb-canary  changes AWS` (or `broken  ✗ does not load`)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(entry.name, style="bold")
    if entry.runbook is None:
        text.append("  ✗ does not load", style="bold red")
        return text
    word, style = RISK_LABELS.get(str(entry.risk), (str(entry.risk), ""))
    text.append(f"  {word}", style=style)
    return text


def entry_markdown(entry: RunbookEntry) -> str:
    """Title, file, risk, window, steps, then the description."""
    rb = entry.runbook
    if rb is None:
        return f"# {entry.name}\n\n`{_shown(entry.path)}` does not load:\n\n    {entry.problem}\n"
    word = RISK_LABELS.get(str(entry.risk), (str(entry.risk), ""))[0]
    steps = ", ".join(s.id for s in rb.order)
    return (
        f"# {rb.title}\n\n`{_shown(entry.path)}` · risk: **{word}** · window: "
        f"**{rb.window or 'none'}** · {len(rb.order)} steps ({steps})\n\n{rb.description}"
    )


def scenario_markdown(scenario: ScenarioEntry, count: int) -> str:
    """The line under the description: what Enter would rehearse against."""
    more = f" · `s`: another of {count}" if count > 1 else ""
    return f"\n\n---\n\n**Enter rehearses with scenario `{scenario.name}`**: {scenario.title}{more}"


def _shown(path: Path) -> str:
    """The path as the person would type it: relative to where they are, when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class PickerScreen(Screen[PickerChoice | None]):
    """Choose a runbook from a directory."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose('rehearse')", "Rehearse (simulated AWS)", priority=True),
        Binding("s", "next_scenario", "Scenario"),
        Binding("x", "choose('run')", "Run against real AWS"),
        Binding("q,escape", "leave", "Quit"),
    ]

    def __init__(self, entries: list[RunbookEntry], directory: Path) -> None:
        super().__init__()
        self.entries = entries
        self.directory = directory
        self._scenarios: dict[int, list[ScenarioEntry]] = {}  # per entry, read when highlighted
        self._chosen: dict[int, int] = {}  # per entry, the index of the scenario chosen

    def compose(self) -> ComposeResult:
        """The list and the description."""
        yield Static(
            Text(f" turnout · choose a runbook from {self.directory}/", style="bold"),
            id="picker-title",
        )
        with Horizontal(id="picker-body"):
            yield OptionList(
                *(Option(entry_prompt(e), id=str(n)) for n, e in enumerate(self.entries)),
                id="picker-list",
            )
            with VerticalScroll(id="picker-detail"):
                yield Markdown(id="picker-description")
        yield Footer()

    def on_mount(self) -> None:
        """Show the first runbook."""
        if not self.entries:
            self.query_one(Markdown).update(
                f"No runbooks in `{self.directory}/`. Write one (`turnout new`), or run "
                "`turnout rehearse PATH` with a path."
            )
            return
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionHighlighted)
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(int(event.option.id or 0))

    def _describe(self, index: int) -> None:
        text = entry_markdown(self.entries[index])
        scenario = self.scenario(index)
        if scenario is not None:
            text += scenario_markdown(scenario, len(self._scenarios[index]))
        self.query_one(Markdown).update(text)

    def scenario(self, index: int) -> ScenarioEntry | None:
        """The scenario a rehearsal of entry `index` would run (healthy unless `s` chose)."""
        entry = self.entries[index]
        if entry.runbook is None:
            return None
        if index not in self._scenarios:
            self._scenarios[index] = scenarios_for(entry.runbook)
        offered = self._scenarios[index]
        return offered[self._chosen.get(index, 0)] if offered else None

    def action_next_scenario(self) -> None:
        """`s`: rehearse the highlighted runbook with the next scenario it can run."""
        index = self.query_one(OptionList).highlighted
        if index is None or not self.entries or self.scenario(index) is None:
            return
        self._chosen[index] = (self._chosen.get(index, 0) + 1) % len(self._scenarios[index])
        self._describe(index)

    def action_choose(self, mode: str) -> None:
        """Pick the highlighted runbook (one that loads)."""
        index = self.query_one(OptionList).highlighted
        if index is None or not self.entries:
            return
        entry = self.entries[index]
        if entry.runbook is None:
            self.notify(f"{entry.path} does not load: {entry.problem}", severity="error")
            return
        scenario = self.scenario(index) if mode == "rehearse" else None
        self.dismiss(PickerChoice(entry.path, mode, scenario.name if scenario else None))

    def action_leave(self) -> None:
        """Leave without choosing."""
        self.dismiss(None)
