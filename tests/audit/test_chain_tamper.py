"""Every kind of tampering with a session log is caught, and the right line is named."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.audit.canonical import encode_line
from tui.audit.chain import read_log
from tui.audit.verify import verify


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _write(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def test_intact_log_verifies_with_a_summary(canary_session) -> None:
    verdict = verify(canary_session.dir)
    assert verdict.ok, verdict.text
    assert "intact: 43 events" in verdict.text
    assert "operator:  alice on ops-laptop" in verdict.text
    assert "rolled back (exit 3)" in verdict.text
    assert "(20m08s)" in verdict.text
    assert canary_session.records[-1].hash in verdict.text


def _breach_index(lines: list[bytes]) -> int:
    """The 0-based index of the first breached guardrail poll (error rate 1.4)."""
    return next(i for i, line in enumerate(lines) if b'"value":1.4' in line)


def test_one_edited_byte_names_its_line(canary_session) -> None:
    """Turning the first breach (1.4) into a pass (0.4): one byte."""
    lines = _lines(canary_session.log)
    index = _breach_index(lines)
    lines[index] = lines[index].replace(b'"value":1.4', b'"value":0.4')
    _write(canary_session.log, lines)
    problem = read_log(canary_session.log).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (index + 1, "edited")


def test_an_edited_hash_or_prev_is_caught(canary_session) -> None:
    original = _lines(canary_session.log)
    for line_no, member in [(5, b'"hash":"'), (7, b'"prev":"')]:
        lines = list(original)
        at = lines[line_no - 1].index(member) + len(member)
        digit = lines[line_no - 1][at : at + 1]
        swapped = b"0" if digit != b"0" else b"1"
        lines[line_no - 1] = lines[line_no - 1][:at] + swapped + lines[line_no - 1][at + 1 :]
        _write(canary_session.log, lines)
        problem = read_log(canary_session.log).problem
        assert problem is not None and problem.line == line_no, (member, problem)


def test_a_dropped_line_is_named_as_missing(canary_session) -> None:
    lines = _lines(canary_session.log)
    del lines[9]
    _write(canary_session.log, lines)
    problem = read_log(canary_session.log).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (10, "missing")
    assert "seq 11 follows seq 9" in problem.detail


def test_dropping_the_first_line_is_caught(canary_session) -> None:
    _write(canary_session.log, _lines(canary_session.log)[1:])
    problem = read_log(canary_session.log).problem
    assert problem is not None and (problem.line, problem.reason) == (1, "missing")


def test_swapped_lines_are_named_as_reordered(canary_session) -> None:
    lines = _lines(canary_session.log)
    lines[14], lines[15] = lines[15], lines[14]
    _write(canary_session.log, lines)
    problem = read_log(canary_session.log).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (15, "reordered")
    assert "seq 15 belongs here but is at line 16" in problem.detail


def test_a_duplicated_line_is_caught(canary_session) -> None:
    lines = _lines(canary_session.log)
    lines.insert(12, lines[11])
    _write(canary_session.log, lines)
    problem = read_log(canary_session.log).problem
    assert problem is not None and (problem.line, problem.reason) == (13, "duplicate")


def test_forged_line_with_recomputed_hash_but_broken_chain(canary_session) -> None:
    """An appended line whose own hash is right but which chains to the wrong record."""
    records = canary_session.records
    forged, _ = encode_line(
        44,
        records[-1].ts,
        "note",
        "mallory",
        {"text": "all fine, nothing rolled back"},
        records[-2].hash,
    )
    with canary_session.log.open("ab") as fh:
        fh.write(forged)
    problem = read_log(canary_session.log).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (44, "broken-chain")


def test_replaced_line_with_recomputed_hash_breaks_the_next_link(canary_session) -> None:
    """Rewriting a record and recomputing its hash: the next record no longer chains to it."""
    lines = _lines(canary_session.log)
    index = _breach_index(lines)
    victim = canary_session.records[index]
    lines[index], _ = encode_line(
        victim.seq,
        victim.ts,
        victim.type,
        victim.actor,
        {**victim.payload, "value": 0.4, "breached": False},
        victim.prev,
    )
    _write(canary_session.log, lines)
    problem = read_log(canary_session.log).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (index + 2, "broken-chain")
    assert f"line {index + 1}'s hash" in problem.detail


def test_dropping_the_last_line_shows_as_unfinished_and_a_new_last_hash(canary_session) -> None:
    """A chain cannot see records cut off its end: the summary shows it, and the last hash
    (quoted in the change ticket) no longer matches."""
    _write(canary_session.log, _lines(canary_session.log)[:-1])
    verdict = verify(canary_session.log)
    assert verdict.ok
    assert "unfinished: no session end" in verdict.text
    assert canary_session.records[-1].hash not in verdict.text


def test_torn_final_line_is_reported_not_dropped(canary_session) -> None:
    with canary_session.log.open("ab") as fh:
        fh.write(b'{"seq":44,"ts":"2026-03-14T09:20:09.0000')
    verdict = verify(canary_session.dir)
    assert not verdict.ok
    assert verdict.reading.problem is not None
    assert (verdict.reading.problem.line, verdict.reading.problem.reason) == (44, "torn")
    assert "the 43 records before it verify" in verdict.text
    assert "--repair-log" in verdict.text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_any_single_byte_change_is_caught_at_its_line(canary_session, position, byte) -> None:
    original = canary_session.log.read_bytes()
    position %= len(original)
    if original[position] == byte:
        byte = (byte + 1) % 256
    tampered = original[:position] + bytes([byte]) + original[position + 1 :]
    try:
        canary_session.log.write_bytes(tampered)
        reading = read_log(canary_session.log)
    finally:
        canary_session.log.write_bytes(original)
    line_of_change = original[:position].count(b"\n") + 1
    assert reading.problem is not None
    assert reading.problem.line == line_of_change
