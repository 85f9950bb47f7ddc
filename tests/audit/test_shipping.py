"""The shipper between the writer and the copies off the box: it never blocks or slows the
engine, records a copy failing once (and recovering), and ships a resumed log's new records
only. The sinks here are turnout's own ports (StreamSink, SnapshotSink), not boto3: the AWS
ones are tested against the world in tests/commands/test_audit_remote.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tui.audit.chain import read_log
from tui.audit.session_log import SessionLog
from tui.audit.shipping import Shipper
from tui.clock import ManualClock


class Stream:
    """A stream copy in memory; `gate` held shut stalls it, `fail` makes it raise."""

    def __init__(self, shipped_before: int = 0) -> None:
        self.where = "memory stream"
        self.lines: list[tuple[int, bytes]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail: Exception | None = None
        self.shipped_before = shipped_before

    def start(self) -> int:
        return self.shipped_before

    def put(self, lines: list[tuple[int, bytes]]) -> None:
        self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.lines += lines


class Snapshots:
    def __init__(self) -> None:
        self.where = "memory snapshots"
        self.puts: list[tuple[bytes, bool]] = []

    def start(self) -> int:
        return 0

    def put_log(self, content: bytes, final: bool) -> str:
        self.puts.append((content, final))
        return f"version {len(self.puts)}"


def _open(tmp_path: Path, *sinks) -> tuple[SessionLog, Shipper]:
    log = SessionLog.create(tmp_path, ManualClock())
    streams = [s for s in sinks if isinstance(s, Stream)]
    snaps = [s for s in sinks if isinstance(s, Snapshots)]
    shipper = Shipper(
        log.path, streams, snaps, lambda kind, p: log.writer.append_before_end(kind, p)
    )
    shipper.start(log.writer.subscribe(shipper.offer))
    return log, shipper


def _until(condition, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_stalled_copy_never_holds_up_the_writer(tmp_path: Path) -> None:
    stream = Stream()
    stream.gate.clear()  # the endpoint hangs
    log, shipper = _open(tmp_path, stream)
    began = time.monotonic()
    for i in range(300):
        log.note(f"note {i}")
    took = time.monotonic() - began
    log.close()
    # Appending did not wait for the copy: nothing reached it while it hung.
    assert stream.lines == [] and took < 30
    results = shipper.close(within=0.2)
    assert results[0].shipped_seq == 0  # gave up at the deadline, and says so
    stream.gate.set()


def test_every_line_reaches_the_stream_in_order_and_the_end_is_a_final_snapshot(
    tmp_path: Path,
) -> None:
    stream, snaps = Stream(), Snapshots()
    log, shipper = _open(tmp_path, stream, snaps)
    log.note("one")
    log.session_end(0, outcome="completed")
    log.close()
    results = shipper.close()
    content = log.path.read_bytes()
    assert [line for _, line in stream.lines] == content.splitlines()
    assert snaps.puts[-1] == (content, True)
    assert [r.shipped_seq for r in results] == [2, 2]


def test_a_failing_copy_is_recorded_once_and_its_recovery_once(tmp_path: Path) -> None:
    stream = Stream()
    stream.fail = ConnectionError("endpoint down")
    log, shipper = _open(tmp_path, stream)
    log.note("while the copy is down")
    _until(lambda: any(r.type == "audit.shipping" for r in read_log(log.path).records))
    stream.fail = None  # back up: the next retry ships the backlog, the failure's record too
    _until(lambda: sum(r.type == "audit.shipping" for r in read_log(log.path).records) == 2, 30)
    log.close()
    shipper.close()
    shipping = [r.payload for r in read_log(log.path).records if r.type == "audit.shipping"]
    assert [p["state"] for p in shipping] == ["failing", "recovered"]
    assert "ConnectionError: endpoint down" in shipping[0]["detail"]
    assert [line for _, line in stream.lines] == log.path.read_bytes().splitlines()


def test_a_resumed_log_ships_only_what_the_copy_lacks(tmp_path: Path) -> None:
    log = SessionLog.create(tmp_path, ManualClock())
    log.note("before the crash")
    log.note("also before")
    log.close()
    stream = Stream(shipped_before=1)  # the copy got record 1 before the crash
    log = SessionLog.resume(tmp_path, ManualClock())
    shipper = Shipper(log.path, [stream], [], lambda kind, p: None)
    shipper.start(log.writer.subscribe(shipper.offer))
    log.note("after")
    log.close()
    shipper.close()
    assert [seq for seq, _ in stream.lines] == [2, 3, 4]  # 3 is session.resume


def test_nothing_is_recorded_after_session_end(tmp_path: Path) -> None:
    """The session ends by printing session.end's hash: a copy failing after it is said in the
    shipper's result, never appended behind the anchor."""
    stream = Stream()
    stream.gate.clear()
    log, shipper = _open(tmp_path, stream)
    end = log.session_end(0, outcome="completed")
    stream.fail = ConnectionError("endpoint down")
    stream.gate.set()
    _until(lambda: shipper._copies[0].result.failures > 0)
    assert read_log(log.path).last_hash == end.hash
    log.close()
    result = shipper.close(within=0.2)[0]
    assert result.failures and "endpoint down" in result.last_error


class _Refused(Exception):
    """What botocore raises for AWS's answer: its `response` carries the error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": "no"}}


def test_at_the_end_a_copy_aws_refused_for_good_is_given_up_at_once(tmp_path: Path) -> None:
    """A log group that is not there (ResourceNotFoundException) will not be there within the
    end's drain: close() gives it up rather than hold the session's end for its whole deadline
    (the old code waited it out: 20 s at the end of every session with a misnamed group). A
    throttled copy is still retried until the deadline."""
    gone, throttled = Stream(), Stream()
    gone.fail = _Refused("ResourceNotFoundException")
    log, shipper = _open(tmp_path, gone)
    log.note("one")
    _until(lambda: gone.fail is not None and shipper._copies[0].result.failures > 0)
    began = time.monotonic()
    results = shipper.close(within=120)
    assert time.monotonic() - began < 60  # a bound far under the deadline, not a speed claim
    assert results[0].failures >= 1 and results[0].shipped_seq == 0
    log.close()

    throttled.fail = _Refused("ThrottlingException")
    (tmp_path / "two").mkdir()
    log2, shipper2 = _open(tmp_path / "two", throttled)
    log2.note("one")
    _until(lambda: shipper2._copies[0].result.failures > 0)
    assert not shipper2._copies[0].permanent  # retried until the deadline, as before
    throttled.fail = None  # it recovers within the drain
    results2 = shipper2.close(within=60)
    assert results2[0].shipped_seq >= 2
    log2.close()
