"""The runbooks of a directory as the picker lists them: each file's `RunbookEntry` (its
runbook, or why it does not load), read by `find_runbooks` (pure: no screen), the scenarios a
rehearsal of it can run (`scenarios_for`), and the `PickerChoice` the operator makes.
screens/picker.py shows them; picker.py runs the picker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
class ScenarioEntry:
    """A fault scenario the picker offers for a rehearsal: its name and its title."""

    name: str
    title: str


@dataclass(frozen=True)
class PickerChoice:
    """What the operator picked: a runbook file, `rehearse` or `run`, and (to rehearse) the
    scenario; or a drill of the curriculum (`mode` "drill", `drill` its name)."""

    path: Path
    mode: str
    scenario: str | None = None
    drill: str | None = None

    def argv(self) -> list[str]:
        """The command line that does what was picked."""
        if self.mode == "drill" and self.drill:
            return ["drill", "run", self.drill]
        scenario = (
            ["--scenario", self.scenario] if self.mode == "rehearse" and self.scenario else []
        )
        return [self.mode, str(self.path), *scenario]


def find_drills() -> list[Any]:
    """The curriculum's drills (tui/rehearsal/curriculum.py; read without moto), or none when
    it does not load (the picker still offers the runbooks)."""
    from tui.errors import TurnoutError
    from tui.rehearsal.curriculum import load_curriculum

    try:
        return load_curriculum()
    except TurnoutError:
        return []


def scenarios_for(runbook: Runbook) -> list[ScenarioEntry]:
    """The scenarios `turnout rehearse --scenario` takes for `runbook`, healthy first: every one
    that loads and whose faults timed from a step name steps this runbook has (another's would
    never start: a drill without its fault)."""
    from tui.errors import TurnoutError
    from tui.rehearsal.scenario_loader import available_scenarios, check_steps, load_scenario_spec

    step_ids = [step.id for step in runbook.steps]
    found = []
    for name in available_scenarios():
        try:
            spec = load_scenario_spec(name)
            check_steps(spec, runbook.name, step_ids)
        except TurnoutError:  # a scenario that does not load, or cannot run this runbook
            continue
        found.append(ScenarioEntry(spec.name, spec.title))
    return sorted(found, key=lambda entry: (entry.name != "healthy", entry.name))


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
