"""`turnout` with no runbook: pick one from `./runbooks` (title, description, risk).

`run_picker(directory)` shows the picker and returns what the operator chose, or None. The caller
then starts `rehearse` or `run` with it. What the picker lists, and `find_runbooks` that reads
it, are in runbook_entries.py; the screen is screens/picker.py.
"""

from __future__ import annotations

from pathlib import Path

from tui.app.runbook_entries import PickerChoice, find_drills, find_runbooks

__all__ = ["PickerChoice", "run_picker"]
# PickerChoice is named here too: it is what run_picker returns.


def run_picker(directory: str | Path = "runbooks") -> PickerChoice | None:
    """Show the picker over `directory`; the choice, or None if the operator left."""
    from textual.app import App

    from tui.app.screens.picker import PickerScreen

    entries = find_runbooks(directory)
    drills = find_drills()

    class PickerApp(App[PickerChoice | None]):
        """Just the picker."""

        CSS_PATH = "app.tcss"
        TITLE = "turnout"
        ENABLE_COMMAND_PALETTE = False

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, Path(directory), drills), callback=self.exit)

    return PickerApp().run()
