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

    def test_checklist_item(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.checklist_question(), tmp_path)
        assert snap_compare(app, terminal_size=(120, 40), run_before=before)

    def test_failed_precondition(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.precondition_failed(), tmp_path)
        assert snap_compare(app, terminal_size=(120, 40), run_before=before)

    def test_manual_step(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.manual_step(), tmp_path)
        assert snap_compare(app, terminal_size=(120, 40), run_before=before)


class TestModals:
    """The app's own dialogs over the session screen."""

    def test_quit_dialog_in_a_rehearsal(self, snap_compare, tmp_path) -> None:
        from tui.app.screens.quit import QuitScreen

        app, before = states.build_app(states.canary_split(), tmp_path)

        async def quit_open(pilot) -> None:
            await before(pilot)
            app.push_screen(QuitScreen(rehearsal=True))
            await pilot.pause()

        assert snap_compare(app, terminal_size=(120, 40), run_before=quit_open)

    def test_keys_help(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.canary_split(), tmp_path)

        async def help_open(pilot) -> None:
            await before(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(120, 40), run_before=help_open)

    def test_note(self, snap_compare, tmp_path) -> None:
        app, before = states.build_app(states.canary_split(), tmp_path)

        async def note_open(pilot) -> None:
            await before(pilot)
            await pilot.press("n")
            await pilot.pause()
            from textual.widgets import Input

            for field in app.screen.query(Input):
                field.cursor_blink = False  # steady, as in states.build_app

        assert snap_compare(app, terminal_size=(120, 40), run_before=note_open)


@pytest.mark.parametrize("size", [(120, 30)])
def test_picker(snap_compare, size) -> None:
    from textual.app import App

    entries = find_runbooks(ROOT / "runbooks")

    class Picker(App):
        CSS_PATH = str(ROOT / "tui" / "app" / "app.tcss")

        def on_mount(self) -> None:
            self.push_screen(PickerScreen(entries, Path("runbooks")))

    assert snap_compare(Picker(), terminal_size=size)
