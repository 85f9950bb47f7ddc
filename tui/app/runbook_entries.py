"""The runbooks of a directory as the picker lists them: each file's `RunbookEntry` (its
runbook, or why it does not load), read by `find_runbooks` (pure: no screen), and the
`PickerChoice` the operator makes. screens/picker.py shows them; picker.py runs the picker.
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
