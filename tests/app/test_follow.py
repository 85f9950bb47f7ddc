"""`LogFollower` and `FollowClock` (tui/app/follow.py): the log read as it is written, on the
watched session's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.app.growing_log import GrowingLog, record_canary
from tui.app.follow import FollowClock, LogFollower, session_start
from tui.app.replay import AnsweredInReplay, AskedInReplay
from tui.audit.chain import ChainBreak
from tui.audit.errors import BrokenLogError

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def test_the_clock_runs_on_from_the_last_record_and_never_goes_back() -> None:
    mono = [100.0]
    clock = FollowClock(lambda: mono[0])
    clock.reached(T0)
    assert clock.now() == T0
    mono[0] += 5
    assert clock.now() == T0 + timedelta(seconds=5)
    clock.reached(T0 + timedelta(seconds=2))  # a record read a poll late: no step back
    assert clock.now() == T0 + timedelta(seconds=5)
    clock.reached(T0 + timedelta(seconds=60))  # a rehearsal's world ran ahead: jump with it
    assert clock.now() == T0 + timedelta(seconds=60)


@pytest.fixture
def growing(tmp_path) -> GrowingLog:
    (tmp_path / "recorded").mkdir()
    (tmp_path / "watched").mkdir()
    record_canary(tmp_path / "recorded")
    return GrowingLog(tmp_path / "recorded", tmp_path / "watched")


def test_a_line_being_written_waits_for_its_newline(growing) -> None:
    follower = LogFollower(growing.path.parent)
    assert follower.poll() == []  # no log yet: a session directory just made
    growing.through(2, half_of_next=True)
    assert [r.seq for r in follower.poll()] == [1, 2, 3]
    assert follower.poll() == []  # the half line is not a record yet, nor a torn one
    growing.through(3)
    assert [r.seq for r in follower.poll()] == [4]


def test_a_record_that_does_not_verify_stops_the_follower(growing) -> None:
    follower = LogFollower(growing.path.parent)
    growing.through(2)
    follower.poll()
    growing.lines[3] = growing.lines[3].replace(b"checklist", b"checklisT", 1)
    growing.through(3)
    with pytest.raises(ChainBreak, match="edited"):
        follower.poll()
    with pytest.raises(BrokenLogError, match="line 4"):  # `turnout watch` refuses it, exit 2
        session_start(growing.path.parent, wait_s=0)


def test_a_batch_opens_only_the_question_still_waiting(growing) -> None:
    breach = growing.index("confirm.prompt", kind="breach")
    growing.through(breach)
    follower = LogFollower(growing.path.parent)
    items = follower.events(follower.poll())
    asked = [i.pending.question.kind for i in items if isinstance(i, AskedInReplay)]
    assert asked == ["breach"]
    assert not [i for i in items if isinstance(i, AnsweredInReplay)]
    assert follower.clock.now() >= growing_time(growing, breach)


def growing_time(growing: GrowingLog, index: int) -> datetime:
    import json

    ts = json.loads(growing.lines[index])["ts"]
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))
