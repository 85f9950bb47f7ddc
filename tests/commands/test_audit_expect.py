"""`turnout audit verify SESSION --expect HASH`: the hash kept elsewhere catches what the chain
alone cannot (records cut off the end, the whole log rewritten with its chain recomputed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.audit.forge import as_completed, cut_last, rewrite
from tui.audit.chain import read_log

REPO = Path(__file__).resolve().parents[2]


def _turnout(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_the_hash_the_session_ended_with_passes(canary_session) -> None:
    anchor = read_log(canary_session.dir).last_hash
    for given in (anchor, f"sha256:{anchor}", anchor.upper()):
        ok = _turnout("audit", "verify", canary_session.dir, "--expect", given)
        assert ok.returncode == 0, ok.stderr
        assert f"ends at the expected sha256:{anchor[:12]}" in ok.stdout


def test_cutting_the_last_lines_passes_plain_verify_but_fails_expect(canary_session) -> None:
    anchor = read_log(canary_session.dir).last_hash
    cut_last(canary_session.log, 3)  # the rollback's end and session.end gone
    plain = _turnout("audit", "verify", canary_session.dir)
    assert plain.returncode == 0, "the chain alone cannot see a cut end"
    cut = _turnout("audit", "verify", canary_session.dir, "--expect", anchor)
    assert cut.returncode == 2
    assert "DOES NOT END AT THE EXPECTED HASH (shorter or rewritten)" in cut.stderr
    assert "records were cut off its end (it has no session.end)" in cut.stderr
    assert "Traceback" not in cut.stderr


def test_a_full_rewrite_with_the_chain_recomputed_fails_expect(canary_session) -> None:
    anchor = read_log(canary_session.dir).last_hash
    rewrite(canary_session.log, as_completed)
    plain = _turnout("audit", "verify", canary_session.dir)
    assert plain.returncode == 0 and "completed (exit 0)" in plain.stdout  # the forgery verifies
    forged = _turnout("audit", "verify", canary_session.dir, "--expect", anchor)
    assert forged.returncode == 2
    assert "the log was rewritten" in forged.stderr


def test_records_added_after_the_anchor_are_named(canary_session) -> None:
    records = read_log(canary_session.dir).records
    earlier = records[-4]
    longer = _turnout("audit", "verify", canary_session.dir, "--expect", earlier.hash)
    assert longer.returncode == 2
    assert "(longer)" in longer.stderr
    assert f"is line {earlier.line} ({earlier.type}); the log goes on for 3 more records" in (
        longer.stderr
    )


def test_a_bad_hash_is_an_input_error(canary_session) -> None:
    bad = _turnout("audit", "verify", canary_session.dir, "--expect", "sha256:abc")
    assert bad.returncode == 2
    assert "--expect 'sha256:abc': not a log hash" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_tampered_log_fails_before_the_anchor_is_looked_at(canary_session) -> None:
    anchor = read_log(canary_session.dir).last_hash
    subprocess.run(["sed", "-i", "2s/alice/mallory/", str(canary_session.log)], check=True)
    bad = _turnout("audit", "verify", canary_session.dir, "--expect", anchor)
    assert bad.returncode == 2 and "NOT INTACT (edited)" in bad.stderr


def test_an_anchor_from_before_a_resume_names_the_resume(canary_session) -> None:
    from tui.audit.session_log import SessionLog
    from tui.clock import ManualClock

    before = read_log(canary_session.dir).last_hash
    log = SessionLog.resume(canary_session.dir, ManualClock())
    log.note("carried on")
    log.close()
    longer = _turnout("audit", "verify", canary_session.dir, "--expect", before)
    assert longer.returncode == 2
    assert "(longer)" in longer.stderr and "the session was resumed at line 44" in longer.stderr
