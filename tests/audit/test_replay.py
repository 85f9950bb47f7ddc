"""What replay and a live view need: the session at any moment, metric series, a verified tail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.audit.chain import ChainBreak
from tui.audit.events import StepStatus
from tui.audit.replay import LogTail, Replay
from tui.audit.writer import AuditWriter
from tui.clock import ManualClock


def test_state_at_a_moment(canary_session) -> None:
    replay = Replay.load(canary_session.dir)
    assert replay.duration_s == 20 * 60 + 8
    early = replay.state_at(60)
    assert early.steps["snapshot"].status is StepStatus.COMPLETED
    assert early.steps["canary-5"].status is StepStatus.RUNNING
    assert "canary-25" not in early.steps
    late = replay.state_at(replay.duration_s)
    assert late.steps["canary-25"].status is StepStatus.CANCELLED
    assert late.rollback is not None and late.rollback.end is not None


def test_metric_series_per_guardrail(canary_session) -> None:
    series = Replay.load(canary_session.dir).metric_series("canary-25", "error rate")
    assert [p.value for p in series] == [0.3, 1.4, 2.1, 3.2]
    assert [p.breached for p in series] == [False, True, True, True]
    assert [p.decision for p in series] == [None, None, None, "rollback"]
    assert series[0].offset_s < series[-1].offset_s


def test_tail_follows_a_log_being_written(tmp_path: Path) -> None:
    writer = AuditWriter.create(tmp_path, ManualClock())
    tail = LogTail(tmp_path)
    assert tail.poll() == []
    writer.append("note", {"text": "one"})
    writer.append("note", {"text": "two"})
    assert [r.payload["text"] for r in tail.poll()] == ["one", "two"]
    # a write in progress (no newline yet) is held back, then delivered whole
    record = writer.append("note", {"text": "three"})
    data = writer.path.read_bytes()
    writer.close()
    line_start = len(data) - len(data.splitlines(keepends=True)[-1])
    writer.path.write_bytes(data[: line_start + 10])
    assert tail.poll() == []
    writer.path.write_bytes(data)
    (got,) = tail.poll()
    assert got.hash == record.hash


def test_tail_refuses_a_record_that_breaks_the_chain(tmp_path: Path) -> None:
    writer = AuditWriter.create(tmp_path, ManualClock())
    writer.append("note", {"text": "one"})
    writer.close()
    tail = LogTail(tmp_path)
    tail.poll()
    with writer.path.open("ab") as fh:
        fh.write(writer.path.read_bytes())  # the same record again
    with pytest.raises(ChainBreak, match="line 2"):
        tail.poll()
