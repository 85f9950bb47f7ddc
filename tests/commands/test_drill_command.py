"""`turnout drill list | run | history` as a person types them: output and exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.rehearsal.curriculum import load_curriculum
from tui.rehearsal.drill_history import Result, history_file, record_result

ROOT = Path(__file__).resolve().parents[2]


def test_list_shows_every_drill_with_its_lesson_and_good_outcome(turnout) -> None:
    result = turnout("drill", "list")
    assert result.code == 0, result.err
    for drill in load_curriculum():
        assert f"{drill.name}  {drill.title}" in result.out
        assert f"good outcome: {drill.good}" in result.out
    assert "faults of bad-ami, az-outage" in result.out  # the compound drill
    assert "turnout drill run first-canary" in result.out


def test_an_unknown_drill_is_exit_2_naming_the_drills(turnout) -> None:
    result = turnout("drill", "run", "first-canery", "--headless", "--auto-approve")
    assert result.code == 2
    assert 'no drill "first-canery" (did you mean "first-canary"?)' in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("name", ["../../etc/x", "a b", "", "-rf"])
def test_a_trainee_name_that_is_no_file_name_is_exit_2(turnout, name: str) -> None:
    result = turnout("drill", "history", f"--trainee={name}")
    assert result.code == 2
    assert "--trainee" in result.err and "Traceback" not in result.err


def test_a_headless_drill_without_auto_approve_is_refused_up_front(turnout) -> None:
    result = turnout("drill", "run", "first-canary", "--headless")
    assert result.code == 2
    assert "--auto-approve" in result.err


def _result(drill: str, points: int, at: str, missed: list[str] | None = None) -> Result:
    return Result(
        drill=drill,
        trainee="ann",
        at=at,
        scenario="bad-ami",
        blind=False,
        points=points,
        passed=points >= 70 and not missed,
        outcome="rolled_back",
        errors=12,
        requests=9000,
        missed=missed or [],
    )


def _history(tmp_path: Path) -> Path:
    record_result(tmp_path, _result("canary-bad-ami", 40, "2026-12-01T10:00:00+00:00", ["slow"]))
    record_result(tmp_path, _result("canary-bad-ami", 100, "2026-12-02T10:00:00+00:00"))
    record_result(tmp_path, _result("canary-bad-ami", 55, "2026-12-03T10:00:00+00:00", ["late"]))
    record_result(tmp_path, _result("first-canary", 100, "2026-12-01T09:00:00+00:00"))
    with open(history_file(tmp_path, "ann"), "a") as out:
        out.write('{"torn": \n')  # a crash mid-line: skipped, counted
    return tmp_path


def test_history_shows_best_and_latest_per_drill_and_what_was_missed(turnout, tmp_path) -> None:
    sessions = _history(tmp_path)
    result = turnout("drill", "history", "--trainee", "ann", "--sessions-dir", str(sessions))
    assert result.code == 0, result.err
    (row,) = [line for line in result.out.splitlines() if "canary-bad-ami" in line]
    assert re.search(r"│ 3\s+│ 100 \(passed", row)  # plays, then the best
    assert "55 (not passed" in result.out  # the latest
    assert "late" in result.out and "slow" not in result.out  # what the latest missed
    assert "1 line(s) of the history could not be read" in result.out


def test_history_html_is_one_self_contained_page_with_a_chart(turnout, tmp_path) -> None:
    sessions = _history(tmp_path)
    page = tmp_path / "history.html"
    args = ["--trainee", "ann", "--sessions-dir", str(sessions), "--format", "html"]
    result = turnout("drill", "history", *args, "-o", str(page))
    assert result.code == 0, result.err
    html = page.read_text()
    assert html.count("<svg") == 1 and html.count("<circle") == 4  # one point per drill played
    assert "<script" not in html and "src=" not in html and "href=" not in html
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)  # nothing fetched


def test_history_reads_the_sessions_directory_the_config_file_names(
    turnout, tmp_path, monkeypatch
) -> None:
    """`drill run` keeps results under the config file's sessions_dir (flag > env > file), so
    `drill history` reads them there too. Old code: history took only the flag and
    $TURNOUT_SESSIONS, and said "no drills yet" beside a history the config pointed at."""
    sessions = _history(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'sessions_dir = "{sessions}"\n', encoding="utf-8")
    monkeypatch.setenv("TURNOUT_CONFIG", str(config))
    result = turnout("drill", "history", "--trainee", "ann")
    assert result.code == 0, result.err
    assert "canary-bad-ami" in result.out and "55 (not passed" in result.out


def test_an_empty_history_says_how_to_start(turnout, tmp_path) -> None:
    result = turnout("drill", "history", "--trainee", "bob", "--sessions-dir", str(tmp_path))
    assert result.code == 0
    assert "turnout drill run first-canary" in result.out


@pytest.mark.slow
def test_a_blind_drill_names_its_scenario_only_in_the_debrief(tmp_path) -> None:
    """`turnout drill run blind-canary --blind --headless --auto-approve` from another
    directory, as a person runs it: the stream says "a blind draw", the debrief the draw."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    flags = ["--blind", "--headless", "--auto-approve", "--speed", "100", "--trainee", "ann"]
    command = [sys.executable, "-m", "tui", "drill", "run", "blind-canary", *flags]
    result = subprocess.run(
        [*command, "--sessions-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=240,
    )
    assert result.returncode in (0, 3), result.stderr[-2000:]
    before, _, debrief = result.stdout.partition("Debrief: drill blind-canary")
    assert debrief, result.stdout[-2000:]
    drawn = re.match(r", scenario (\S+) \(drawn blind\)", debrief)
    assert drawn and drawn[1] in ("bad-ami", "slow-release", "healthy")
    for told in ("bad-ami", "slow-release", "scenario healthy"):
        assert told not in before + result.stderr
    assert "a blind draw" in result.stderr
    assert "score" in debrief and (tmp_path / "drills" / "ann.jsonl").is_file()


def test_a_hand_edited_history_cannot_put_markup_in_the_page(turnout, tmp_path) -> None:
    record_result(tmp_path, _result("<script>alert(1)</script>", 50, "2026-12-01T10:00:00+00:00"))
    args = ["--trainee", "ann", "--sessions-dir", str(tmp_path), "--format", "html"]
    result = turnout("drill", "history", *args)
    assert "<script" not in result.out and "&lt;script&gt;" in result.out


def test_drill_alone_shows_its_commands_and_exits_2(turnout) -> None:
    result = turnout("drill")
    assert result.code == 2
    assert "list" in result.err and "run" in result.err and "history" in result.err


def test_a_history_that_cannot_be_written_is_said_not_a_crash(tmp_path) -> None:
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from tests.session_logs import started_log
    from tui.clock import ManualClock
    from tui.commands.drill_coach import DrillCoach
    from tui.rehearsal.curriculum import find_drill
    from tui.rehearsal.debrief import Ledger, build_debrief

    clock = ManualClock(datetime(2026, 3, 14, 9, 0, tzinfo=UTC))
    session = tmp_path / "s"
    session.mkdir()
    log = started_log(session, clock, "ann")
    log.session_end(0)
    log.close()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    drill = find_drill("first-canary")
    coach = DrillCoach(drill, drill.variant, blind=False, trainee="ann", sessions=blocked)
    out = io.StringIO()
    coach.finish(build_debrief("healthy", Ledger(), session), session, Console(file=out))
    assert "could not keep the drill result for ann" in out.getvalue()
