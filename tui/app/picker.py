"""`turnout` with no runbook: pick one from `./runbooks` (title, description, risk).

`find_runbooks(directory)` reads them (pure); `run_picker(directory)` shows the picker and
returns what the operator chose, or None. The caller then starts `rehearse` or `run` with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.runbook.model import Risk, Runbook

RISK_ORDER = (Risk.READ_ONLY, Risk.MUTATING, Risk.IRREVERSIBLE)


@dataclass(frozen=True)
class RunbookEntry:
    """One file of the directory: its runbook, or why it does not load."""

    path: Path
    runbook: Runbook | None
    problem: str = ""

    @property
    def name(self) -> str:
        """The runbook's name, or the file's stem when it does not load."""
        return self.runbook.name if self.runbook else self.path.stem

    @property
    def risk(self) -> Risk | None:
        """The riskiest step's risk (irreversible > mutating > read-only)."""
        if self.runbook is None or not self.runbook.steps:
            return None
        return max((s.risk for s in self.runbook.steps), key=RISK_ORDER.index)


@dataclass(frozen=True)
class PickerChoice:
    """What the operator picked: a runbook file, and `rehearse` or `run`."""

    path: Path
    mode: str


def find_runbooks(directory: str | Path) -> list[RunbookEntry]:
    """Every *.yaml/*.yml directly in `directory`, sorted by name, loaded with defaults."""
    from tui.runbook.loader import load_runbook

    entries = []
    for path in sorted([*Path(directory).glob("*.yaml"), *Path(directory).glob("*.yml")]):
        try:
            entries.append(RunbookEntry(path, load_runbook(path)))
        except Exception as exc:  # a broken file is listed with its problem, not a crash
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            entries.append(RunbookEntry(path, None, first))
    return entries


def run_picker(directory: str | Path = "runbooks") -> PickerChoice | None:
    """Show the picker over `directory`; the choice, or None if the operator left."""
    from textual.app import App

    from tui.app.screens.picker import PickerScreen

    entries = find_runbooks(directory)

    class PickerApp(App[PickerChoice | None]):
        """Just the picker."""

        CSS_PATH = "app.tcss"
        TITLE = "turnout"
        ENABLE_COMMAND_PALETTE = False

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, Path(directory)), callback=self.exit)

    return PickerApp().run()
