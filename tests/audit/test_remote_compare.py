"""`verify --remote`'s comparison on its own (tui/audit/remote.py): what each finding means,
including a forger who overwrote the latest S3 version (the locked older ones still show it),
and a record too big for one CloudWatch event (shipped as a stand-in with its SHA-256)."""

from __future__ import annotations

from tests.audit.forge import as_completed, rewrite
from tui.audit.remote import Version, compare_stream, compare_versions
from tui.aws.audit_copies import stand_in


def _lines(canary_session) -> list[bytes]:
    return canary_session.log.read_bytes().splitlines()


def test_the_same_stream_has_no_finding(canary_session) -> None:
    lines = _lines(canary_session)
    summary, found = compare_stream("cw", lines, [line.decode() for line in lines])
    assert found == [] and summary == f"cw: {len(lines)} records shipped"


def test_an_oversize_record_matches_its_stand_in(canary_session) -> None:
    lines = _lines(canary_session)
    shipped = [line.decode() for line in lines]
    shipped[4] = stand_in(5, lines[4]).decode()
    assert compare_stream("cw", lines, shipped)[1] == []
    shipped[4] = stand_in(5, lines[4] + b" ").decode()  # another record's digest
    assert [f.kind for f in compare_stream("cw", lines, shipped)[1]] == ["rewritten"]


def test_a_stream_that_lost_records_in_transit_names_them_missing(canary_session) -> None:
    lines = _lines(canary_session)
    shipped = [line.decode() for i, line in enumerate(lines, 1) if i not in (7, 8, 9, 20)]
    found = compare_stream("cw", lines, shipped)[1]
    assert [f.kind for f in found] == ["missing"]
    assert "(seq 7-9, 20)" in found[0].text


def test_a_forger_who_overwrote_the_latest_version_is_caught_by_the_locked_ones(
    canary_session,
) -> None:
    honest = canary_session.log.read_bytes()
    checkpoint = b"".join(honest.splitlines(keepends=True)[:10])
    rewrite(canary_session.log, as_completed)
    forged = canary_session.log.read_bytes()
    versions = [
        Version("v1", False, checkpoint, "COMPLIANCE"),
        Version("v2", False, honest, "COMPLIANCE"),
        Version("v3", True, forged, None),  # the forger's put, on a bucket's latest
    ]
    summary, found = compare_versions("s3", forged, versions)
    assert "2 under Object Lock compliance" in summary
    kinds = {(f.kind, f.text.split(":")[0]) for f in found}
    assert ("rewritten", "s3 (version v1)") in kinds and ("rewritten", "s3 (version v2)") in kinds
    assert all("v3" not in f.text for f in found)  # the latest equals the forged log


def test_no_copies_named_is_a_failure_not_a_pass(canary_session, turnout) -> None:
    bad = turnout("audit", "verify", str(canary_session.dir), "--remote")
    assert bad.code == 2
    assert "no copies to compare with: the log's session.start names none" in bad.err
