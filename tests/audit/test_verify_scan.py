"""`turnout audit verify`'s fast path (tui/audit/scan.py) never says "intact" where the careful
reader would not, gives the same summary, and refuses a line that chains but is not JSON
(issue 18: such a line used to pass verify while report refused it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.audit.canonical import encode_line, record_hash
from tui.audit.chain import read_log
from tui.audit.errors import BrokenLogError
from tui.audit.report import render
from tui.audit.scan import MAX_DEPTH, LogScan, scan_log
from tui.audit.verify import summary_text, verify


@pytest.fixture(autouse=True, params=["pattern", "parsed"])
def line_check(request, monkeypatch) -> str:
    """Every test twice: lines checked by the compiled pattern (large logs) or parsed (small)."""
    monkeypatch.setattr("tui.audit.scan.PATTERN_FROM", 0 if request.param == "pattern" else 1 << 62)
    return request.param


def _forge(seq: int, ts: str, prev: str, middle: bytes) -> bytes:
    """A line that chains to `prev` (its hash recomputed) around an arbitrary actor+payload."""
    body = (
        f'{{"seq":{seq},"ts":"{ts}","type":"note","actor":'.encode()
        + middle
        + f',"prev":"{prev}"}}'.encode()
    )
    digest = record_hash(prev, body)
    return body[:-1] + b',"hash":"' + digest.encode() + b'"}\n'


def _append(log: Path, line: bytes) -> None:
    with log.open("ab") as fh:
        fh.write(line)


@pytest.mark.parametrize(
    "middle",
    [
        b'"mallory","payload":{"text":"all fine",}',  # a trailing comma
        b'"mallory","payload":{"text":"all fine"',  # an object never closed
        b'"mallory","payload":{"text":all fine}',  # a bare word
        b'"mallory","payload":["a list"]',  # JSON, but the payload is not an object
        b'"mallory","payload":{"text":"\xff"}',  # not UTF-8
        b'"mallory","payload":{"n":' + b"9" * 5000 + b"}",  # an integer Python will not read
    ],
)
def test_a_chained_line_that_is_not_a_valid_record_fails_verify(canary_session, middle) -> None:
    records = canary_session.records
    _append(canary_session.log, _forge(44, records[-1].ts, records[-1].hash, middle))
    assert read_log(canary_session.log).intact  # the chain itself holds: only the JSON is bad
    with pytest.raises(BrokenLogError):
        render(canary_session.dir, "md")  # report refuses it ...
    verdict = verify(canary_session.dir)  # ... and so must verify
    assert not verdict.ok
    assert verdict.problem is not None
    assert (verdict.problem.line, verdict.problem.reason) == (44, "malformed")
    assert "line 44: its hash chains, but it is not a valid record" in verdict.text
    assert "lines 1-43 verify" in verdict.text


def test_valid_json_the_writer_would_not_write_still_verifies(canary_session) -> None:
    """Spaces, a payload nested past the fast path's pattern: valid records, parsed one by one."""
    records = canary_session.records
    deep: object = "bottom"
    for _ in range(MAX_DEPTH + 3):
        deep = {"inner": [deep]}
    line, digest = encode_line(44, records[-1].ts, "note", "bob", {"deep": deep}, records[-1].hash)
    _append(canary_session.log, line)
    _append(
        canary_session.log,
        _forge(45, records[-1].ts, digest, b'"bob", "payload": { "text" : "spaced" }'),
    )
    scan = scan_log(canary_session.log)
    assert scan is not None and scan.count == 45
    verdict = verify(canary_session.dir)
    assert verdict.ok, verdict.text
    assert "intact: 45 events" in verdict.text


def test_fast_summary_is_the_careful_one(canary_session) -> None:
    scan = scan_log(canary_session.log)
    assert scan is not None, "the canary session is of the writer's own form"
    careful = LogScan.of_records(canary_session.log, read_log(canary_session.log).records)
    assert summary_text(scan) == summary_text(careful)
    assert scan.last_hash == canary_session.records[-1].hash
    verdict = verify(canary_session.dir)
    assert verdict.last_hash == canary_session.records[-1].hash
    assert verdict.events == 43
    assert len(verdict.reading.records) == 43  # read on demand, for callers that want records


def test_fast_path_over_many_slices(tmp_path, monkeypatch) -> None:
    """Lines checked a slice at a time: the chain and the seqs carry across slices."""
    monkeypatch.setattr("tui.audit.scan.CHUNK", 700)
    log = tmp_path / "audit.jsonl"
    prev = "0" * 64
    with log.open("wb") as fh:
        for seq in range(1, 40):
            kind = "session.start" if seq == 1 else ("session.end" if seq == 39 else "note")
            line, prev = encode_line(
                seq, "2026-03-14T09:00:00.000000Z", kind, "t", {"text": "x" * seq}, prev
            )
            fh.write(line)
    scan = scan_log(log)
    assert scan is not None and scan.count == 39 and scan.last_hash == prev
    assert scan.end is not None and scan.end.seq == 39
    careful = LogScan.of_records(log, read_log(log).records)
    assert summary_text(scan) == summary_text(careful)
    lines = log.read_bytes().splitlines(keepends=True)
    lines[20], lines[21] = lines[21], lines[20]
    log.write_bytes(b"".join(lines))
    assert scan_log(log) is None
    verdict = verify(log)
    assert not verdict.ok and verdict.problem is not None
    assert (verdict.problem.line, verdict.problem.reason) == (21, "reordered")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_any_single_byte_change_fails_verify_at_its_line(canary_session, position, byte) -> None:
    original = canary_session.log.read_bytes()
    position %= len(original)
    if original[position] == byte:
        byte = (byte + 1) % 256
    tampered = original[:position] + bytes([byte]) + original[position + 1 :]
    try:
        canary_session.log.write_bytes(tampered)
        assert scan_log(canary_session.log) is None
        verdict = verify(canary_session.log)
    finally:
        canary_session.log.write_bytes(original)
    assert not verdict.ok
    assert verdict.problem is not None
    assert verdict.problem.line == original[:position].count(b"\n") + 1
