"""The world's clock read from another process (tui/rehearsal/shared_clock.py): a session in a
child reads the world's time, held back as the world is, not wall time scaled. Wall time scaled
ran ahead of a held world on a busy machine: the crash matrix's healthy canary found no metrics
for "now" and its reference session rolled back."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.clock import ManualClock
from tui.rehearsal.shared_clock import EXTRAPOLATE_AT_MOST, ClockFile, ClockPublisher

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Real:
    """The monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def real() -> Real:
    return Real()


def test_the_reader_reads_the_worlds_time(tmp_path: Path, real: Real) -> None:
    world = ManualClock(START)
    publisher = ClockPublisher(world, tmp_path / "clock.json", monotonic=real)
    publisher.publish()
    reader = ClockFile(publisher.path, monotonic=real)
    assert reader.now() == START
    world.advance(90)
    publisher.publish()
    assert reader.now() == START + timedelta(seconds=90)


def test_a_held_world_holds_its_reader_however_long_the_wall_runs(
    tmp_path: Path, real: Real
) -> None:
    world = ManualClock(START)  # stands still: a world held back by a busy machine
    publisher = ClockPublisher(world, tmp_path / "clock.json", monotonic=real)
    publisher.publish()
    reader = ClockFile(publisher.path, monotonic=real)
    real.t += 3600  # an hour of wall time (wall time scaled would read an hour later)
    assert reader.now() <= START + timedelta(seconds=EXTRAPOLATE_AT_MOST)


def test_the_reader_never_goes_back(tmp_path: Path, real: Real) -> None:
    world = ManualClock(START)
    publisher = ClockPublisher(world, tmp_path / "clock.json", monotonic=real)
    publisher.publish()
    reader = ClockFile(publisher.path, monotonic=real)
    real.t += 10
    ahead = reader.now()  # extrapolated past the world's last reading
    assert ahead > START
    publisher.publish()  # the world had not moved: its reading is earlier than `ahead`
    assert reader.now() >= ahead


def test_the_publisher_keeps_publishing_on_its_thread(tmp_path: Path) -> None:
    world = ManualClock(START)
    with ClockPublisher(world, tmp_path / "clock.json") as publisher:
        reader = ClockFile(publisher.path)
        world.advance(30)
        # Wait on the condition (the next publication), not on a sleep.
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while reader.now() < START + timedelta(seconds=30):
            assert datetime.now(UTC) < deadline, "the publisher stopped publishing"
            time.sleep(0.01)
    assert reader.now() >= START + timedelta(seconds=30)
