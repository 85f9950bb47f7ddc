"""The runbook picker: the runbooks on the left with their risk in words, the highlighted one's
title, description, window and steps on the right, and the scenario a rehearsal would run (`s`
chooses another). Enter rehearses it; `x` runs it for real. Under the runbooks, the drills of
the curriculum: Enter starts one (`turnout drill run NAME`), scored at the end."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

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


def drill_prompt(drill: Any) -> Text:
    """`drill first-canary  alb-canary`."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("drill ", style="dim")
    text.append(drill.name, style="bold")
    text.append(f"  {drill.runbook}", style="dim")
    return text


def drill_markdown(drill: Any) -> str:
    """A drill's title, lesson, good outcome, what it plays, and how to start it."""
    blind = ", ".join(v.name for v in drill.draws)
    return (
        f"# Drill: {drill.title or drill.name}\n\n**Lesson.** {drill.lesson}\n\n"
        f"**A good outcome:** {drill.good} (errors within {drill.budget:.1%} of requests).\n\n"
        f"Runbook `{drill.runbook}` · scenario `{drill.variant.name}` · `--blind` draws from "
        f"{blind} · read {drill.read}\n\n---\n\n**Enter starts the drill** (`turnout drill "
        f"run {drill.name}`): a rehearsal scored on your decisions, kept in your history."
    )


def _shown(path: Path) -> str:
    """The path as the person would type it: relative to where they are, when it is below."""
    try:  # absolute, not resolved: `runbooks/` is a link to the package's, and says so less
        return str(path.absolute().relative_to(Path.cwd()))
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

    def __init__(
        self, entries: list[RunbookEntry], directory: Path, drills: Sequence[Any] = ()
    ) -> None:
        super().__init__()
        self.entries = entries
        self.directory = directory
        self.drills = list(drills)
        self._scenarios: dict[int, list[ScenarioEntry]] = {}  # per entry, read when highlighted
        self._chosen: dict[int, int] = {}  # per entry, the index of the scenario chosen

    def compose(self) -> ComposeResult:
        """The list and the description."""
        yield Static(
            Text(f" turnout · choose a runbook from {self.directory}/", style="bold"),
            id="picker-title",
        )
        with Horizontal(id="picker-body"):
            drills: list[Option | None] = [None] if self.drills and self.entries else []
            drills += [Option(drill_prompt(d), id=f"d{n}") for n, d in enumerate(self.drills)]
            yield OptionList(
                *(Option(entry_prompt(e), id=str(n)) for n, e in enumerate(self.entries)),
                *drills,
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
        option_id = event.option.id or "0"
        if option_id.startswith("d"):
            self.query_one(Markdown).update(drill_markdown(self.drills[int(option_id[1:])]))
            return
        self._describe(int(option_id))

    def _highlighted(self) -> tuple[str, int] | None:
        """("runbook", index) or ("drill", index) of the highlighted option."""
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        if option.id.startswith("d"):
            return "drill", int(option.id[1:])
        return "runbook", int(option.id)

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
        chosen = self._highlighted()
        if chosen is None or chosen[0] != "runbook" or self.scenario(chosen[1]) is None:
            return
        index = chosen[1]
        self._chosen[index] = (self._chosen.get(index, 0) + 1) % len(self._scenarios[index])
        self._describe(index)

    def action_choose(self, mode: str) -> None:
        """Pick the highlighted runbook (one that loads), or drill."""
        chosen = self._highlighted()
        if chosen is None:
            return
        kind, index = chosen
        if kind == "drill":
            drill = self.drills[index]
            if mode == "run":
                self.notify("A drill is a rehearsal: Enter starts it.", timeout=4)
                return
            self.dismiss(PickerChoice(Path(drill.runbook), "drill", drill=drill.name))
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
