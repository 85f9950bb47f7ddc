"""The debrief's rows, as printed after `turnout rehearse` and shown in the app."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.session_logs import started_log
from tui.clock import ManualClock
from tui.commands.debrief_view import build_debrief, debrief_rows
from tui.rehearsal.debrief import Ledger

START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _ended_session(tmp_path, exit_code: int = 3):
    clock = ManualClock(START)
    log = started_log(tmp_path, clock, "alice")
    clock.advance(60)
    log.session_end(exit_code)
    log.close()
    return tmp_path


def test_a_fault_that_had_not_begun_is_not_called_no_fault(tmp_path) -> None:
    rows = dict(debrief_rows(build_debrief("bad-ami", Ledger(), _ended_session(tmp_path))))
    assert rows["fault began"] == "not yet: the session ended first"
    assert rows["outcome"] == "rolled back"


def test_a_scenario_without_faults_says_none_planned(tmp_path) -> None:
    session = _ended_session(tmp_path, 0)
    rows = dict(debrief_rows(build_debrief("healthy", Ledger(), session, faults_planned=False)))
    assert rows["fault began"] == "none planned"
    assert rows["users first saw errors"] == "never"


def test_errors_served_count_the_session_only_not_what_the_world_served_after(tmp_path) -> None:
    from datetime import timedelta

    from tui.rehearsal.debrief import Sample

    ledger = Ledger()
    for minute, errors in ((0, 1), (1, 2), (5, 50)):  # the session ends at minute 1
        ledger.record(Sample(START + timedelta(minutes=minute), 100, errors, 0.1))
    rows = dict(debrief_rows(build_debrief("bad-ami", ledger, _ended_session(tmp_path))))
    assert rows["errors served to users"] == "3 of 200 (1.50 %)"
