"""Snapshots of the app's main states (fixed clock, fixed seed), compared with pytest-textual-
snapshot. Update only after looking at the SVGs: `pytest tests/app --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app import states
from tui.app.runbook_entries import find_runbooks
from tui.app.screens.picker import PickerScreen

ROOT = Path(__file__).resolve().parents[2]


class TestSessionScreen:
    """The session screen at work."""

    def test_refresh_mid_way_with_metrics(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.refresh_with_metrics(), tmp_path)
        assert snap_compare(app, terminal_size=(160, 48), run_before=before)

    def test_canary_with_traffic_split(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.canary_split(), tmp_path)
        assert snap_compare(app, terminal_size=(160, 48), run_before=before)

    def test_canary_at_80x24(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.canary_split(), tmp_path)
        assert snap_compare(app, terminal_size=(80, 24), run_before=before)

    def test_rolled_back_debrief(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.rolled_back(), tmp_path)
        assert snap_compare(app, terminal_size=(160, 48), run_before=before)


class TestPrompts:
    """The questions that stop the session for a person."""

    def test_irreversible_typed_confirmation(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.irreversible_confirmation(), tmp_path)
        assert snap_compare(app, terminal_size=(120, 40), run_before=before)

    def test_rollback_countdown(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.canary_split(breach=True), tmp_path)
        assert snap_compare(app, terminal_size=(120, 40), run_before=before)


@pytest.mark.parametrize("size", [(120, 30)])
def test_picker(snap_compare, size) -> None:
    from textual.app import App

    entries = find_runbooks(ROOT / "runbooks")

    class Picker(App):
        CSS_PATH = str(ROOT / "tui" / "app" / "app.tcss")

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, Path("runbooks")))

    assert snap_compare(Picker(), terminal_size=size)
