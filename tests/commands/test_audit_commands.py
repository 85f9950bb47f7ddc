"""`turnout audit verify` and `turnout audit report`, driven as an auditor would, with sed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _turnout(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _sed(script: str, path: Path) -> None:
    subprocess.run(["sed", "-i", script, str(path)], check=True)


def test_verify_then_tamper_then_verify(canary_session) -> None:
    ok = _turnout("audit", "verify", canary_session.dir)
    assert ok.returncode == 0, ok.stderr
    assert "intact: 43 events, hash chain verified" in ok.stdout
    assert "outcome:   rolled back (exit 3)" in ok.stdout

    _sed("2s/alice/mallory/", canary_session.log)
    bad = _turnout("audit", "verify", canary_session.log)
    assert bad.returncode == 2
    assert "NOT INTACT (edited)" in bad.stderr
    assert "line 2: its content does not match its hash" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_verify_names_a_deleted_and_a_swapped_line(canary_session, tmp_path: Path) -> None:
    original = canary_session.log.read_bytes()
    _sed("30d", canary_session.log)
    dropped = _turnout("audit", "verify", canary_session.dir)
    assert dropped.returncode == 2 and "line 30: seq 31 follows seq 29" in dropped.stderr

    canary_session.log.write_bytes(original)
    _sed("7{h;d};8{G}", canary_session.log)  # swap lines 7 and 8
    swapped = _turnout("audit", "verify", canary_session.dir)
    assert swapped.returncode == 2
    assert "line 7: out of order: seq 7 belongs here but is at line 8" in swapped.stderr


def test_report_to_files_and_to_stdout(canary_session, tmp_path: Path) -> None:
    html_path = tmp_path / "report.html"
    wrote = _turnout("audit", "report", canary_session.dir, "-o", html_path)
    assert wrote.returncode == 0, wrote.stderr
    assert html_path.read_text().startswith("<!DOCTYPE html>")
    md = _turnout("audit", "report", canary_session.dir, "--format", "md")
    assert md.returncode == 0
    assert md.stdout.startswith("# Session report: alb-canary")
    assert "## AWS mutations" in md.stdout


def test_report_refuses_a_tampered_log_and_a_missing_one(canary_session, tmp_path: Path) -> None:
    _sed("5d", canary_session.log)
    refused = _turnout("audit", "report", canary_session.dir)
    assert refused.returncode == 2 and "line 5" in refused.stderr and refused.stdout == ""
    missing = _turnout("audit", "verify", tmp_path / "nowhere")
    assert missing.returncode == 2 and "no session log here" in missing.stderr


def test_verify_json_intact_then_tampered(canary_session, turnout) -> None:
    """`--json`: the same verdict as a document, on stdout either way; the exit code as text's."""
    import json

    ok = turnout("audit", "verify", "--json", str(canary_session.dir))
    assert ok.code == 0, ok.err
    doc = json.loads(ok.out)
    assert doc["schema_version"] == 1 and doc["kind"] == "turnout.audit.verify"
    assert doc["ok"] is True and doc["events"] == 43 and doc["problem"] is None
    assert doc["session"]["outcome"] == "rolled_back" and doc["session"]["exit_code"] == 3
    assert len(doc["last_hash"]) == 64

    _sed("2s/alice/mallory/", canary_session.log)
    bad = turnout("audit", "verify", "--json", str(canary_session.log))
    assert bad.code == 2 and bad.err == ""
    doc = json.loads(bad.out)
    assert doc["ok"] is False and doc["events"] == 1
    assert doc["problem"]["line"] == 2 and doc["problem"]["reason"] == "edited"
