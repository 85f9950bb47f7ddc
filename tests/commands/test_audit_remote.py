"""The log shipped off the box as it is written, in a rehearsal against the world's CloudWatch
Logs and S3 (moto), and `turnout audit verify SESSION --remote` finding what the chain alone
cannot: a full rewrite with the chain recomputed, records cut off the end, records never
shipped."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tests.audit.forge import as_completed, cut_last, rewrite
from tests.engine.drill import RUNBOOKS, drill
from tui.audit.chain import read_log
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.runbook.loader import load_runbook

pytestmark = pytest.mark.slow

AUDIT = """
audit:
  cloudwatch_logs: {group: %s}
  s3: {bucket: %s, retention_days: 3650}
"""


def _canary(tmp_path: Path, group: str = names.AUDIT_LOG_GROUP) -> str:
    path = tmp_path / "alb-canary.yaml"
    text = (RUNBOOKS / "alb-canary.yaml").read_text()
    path.write_text(text + AUDIT % (group, names.AUDIT_BUCKET))
    return str(path)


@pytest.fixture(scope="module")
def drilled(tmp_path_factory: pytest.TempPathFactory):
    """One rehearsal of alb-canary shipping its log (its world kept running for --remote)."""
    tmp = tmp_path_factory.mktemp("shipped")
    d = drill(_canary(tmp), tmp / "sessions")
    yield d
    d.world.stop()


@pytest.fixture
def shipped(drilled, tmp_path: Path):
    """The drilled session, copied under its own name for one test to tamper with."""
    copy = tmp_path / drilled.outcome.session_dir.name
    shutil.copytree(drilled.outcome.session_dir, copy)
    return drilled, copy / "audit.jsonl"


def _stream(d, session_id: str) -> list[str]:
    events = d.world.clients.client("logs").get_log_events(
        logGroupName=names.AUDIT_LOG_GROUP, logStreamName=session_id, startFromHead=True
    )["events"]
    return [e["message"] for e in events]


def test_every_record_reaches_the_stream_and_the_finished_log_is_locked_in_s3(drilled) -> None:
    d = drilled
    assert d.code == 0, d.output[-2000:]
    session_id = d.outcome.session_dir.name
    lines = d.log.read_bytes().splitlines()
    assert [m.encode() for m in _stream(d, session_id)] == lines  # every record, in order
    s3 = d.world.clients.client("s3")
    key = f"turnout/{session_id}/audit.jsonl"
    latest = s3.get_object(Bucket=names.AUDIT_BUCKET, Key=key)
    assert latest["Body"].read() == d.log.read_bytes()
    assert latest["ObjectLockMode"] == "COMPLIANCE"
    versions = s3.list_object_versions(Bucket=names.AUDIT_BUCKET, Prefix=key)["Versions"]
    assert len(versions) > 3  # session.start, each step's end, session.end
    with pytest.raises(Exception, match="AccessDenied"):  # compliance: nobody deletes it
        s3.delete_object(Bucket=names.AUDIT_BUCKET, Key=key, VersionId=versions[-1]["VersionId"])
    start = next(r for r in read_log(d.log).records if r.type == "session.start")
    assert start.payload["audit_copies"]["cloudwatch_logs"]["stream"] == session_id
    # The anchor the session ended by printing is the log's last hash: nothing shipped after.
    assert f"ends at sha256:{read_log(d.log).last_hash}" in d.output


def test_remote_passes_an_untouched_log(shipped, turnout) -> None:
    _, log = shipped
    ok = turnout("audit", "verify", str(log.parent), "--remote")
    assert ok.code == 0, ok.err
    assert "every copy matches the log" in ok.out
    assert "under Object Lock compliance" in ok.out


def test_a_full_rewrite_with_the_chain_recomputed_passes_verify_but_fails_remote(
    shipped, turnout
) -> None:
    _, log = shipped
    session = str(log.parent)
    rewrite(log, as_completed)
    assert turnout("audit", "verify", session).code == 0  # the forgery verifies on its own
    bad = turnout("audit", "verify", session, "--remote")
    assert bad.code == 2
    assert "DOES NOT MATCH ITS SHIPPED COPIES" in bad.err
    assert "CloudWatch Logs turnout-audit/" in bad.err and ": rewritten:" in bad.err
    assert "(actor differ)" in bad.err or "differ)" in bad.err
    assert "Traceback" not in bad.err


def test_cutting_the_last_lines_fails_remote_as_truncated(shipped, turnout) -> None:
    _, log = shipped
    session = str(log.parent)
    cut_last(log, 2)
    assert turnout("audit", "verify", session).code == 0
    bad = turnout("audit", "verify", session, "--remote")
    assert bad.code == 2
    assert "truncated: the copy goes on past the log's end" in bad.err
    assert "session.end by turnout" in bad.err


def test_a_copy_that_fails_is_recorded_not_fatal_and_remote_names_it_missing(
    drilled, tmp_path: Path, turnout, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy to a log group that is not there: the session goes on, the log records the copy
    failing (once), the session ends naming it incomplete, and --remote fails."""
    path = tmp_path / "nowhere.yaml"
    path.write_text(TINY + AUDIT % ("no-such-group", names.AUDIT_BUCKET))
    d = replace(drilled, runbook=load_runbook(path)).session(dict(FAKE_CREDENTIALS), tmp_path)
    ended = capsys.readouterr().err
    assert d.code == 0, d.output[-2000:]  # the session went on
    shipping = [r for r in read_log(d.log).records if r.type == "audit.shipping"]
    assert [r.payload["state"] for r in shipping] == ["failing"]  # once, not every retry
    assert "no-such-group" in shipping[0].payload["copy"]
    assert "ResourceNotFoundException" in shipping[0].payload["detail"]
    assert "CloudWatch Logs no-such-group/" in ended and ": INCOMPLETE: lacks records 1-" in ended
    assert "(the finished log, version " in ended  # the S3 copy is not held up by the other
    bad = turnout("audit", "verify", str(d.outcome.session_dir), "--remote")
    assert bad.code == 2
    assert "CloudWatch Logs no-such-group/" in bad.err
    count = len(read_log(d.log).records)
    assert f"missing: the copy lacks {count} records of the log (seq 1-{count})" in bad.err
    # The auditor names the group from the runbook under change control: nothing of it there.
    named = turnout(
        "audit", "verify", str(d.outcome.session_dir), "--remote", "--group", "turnout-audit"
    )
    assert named.code == 2
    assert "the log's session.start names another stream" in named.err
    assert "CloudWatch Logs turnout-audit/" in named.err and "missing: the copy lacks" in named.err


TINY = """
runbook: tiny
title: One wait
target: {account: "123456789012", region: us-east-1}
steps:
  - id: settle
    action: wait
    with: {duration: 1m, reason: settle}
"""
