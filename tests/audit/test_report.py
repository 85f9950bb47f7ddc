"""Reports of the fixed session: golden files, plus the facts an auditor must find in them.

Regenerate the golden files only after reading the new output (docs/audit.md):
    TURNOUT_UPDATE_GOLDEN=1 pytest tests/audit/test_report.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tui.audit.errors import BrokenLogError
from tui.audit.report import render

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_matches_the_golden_file(canary_session, fmt: str) -> None:
    text = render(canary_session.dir, fmt)
    golden = GOLDEN / f"canary-session.{fmt}"
    if os.environ.get("TURNOUT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"report differs from {golden}; read the difference, then regenerate with "
        "TURNOUT_UPDATE_GOLDEN=1 (docs/audit.md)"
    )


def test_markdown_report_tells_the_story(canary_session) -> None:
    text = render(canary_session.dir, "md")
    assert "**Outcome: rolled back (exit 3): guardrail error rate**" in text
    assert "| **Total time** | 20m08s |" in text
    assert "| **Waiting for people** | 11m30s over 5 answers (1 timed out) |" in text
    assert "answer: **yes** by alice, typed `shift 25` after 41.0s" in text
    assert (
        "guardrails before: +07:53 error rate 1.40 BREACHED; +08:53 error rate 2.10 BREACHED; "
        "+09:53 error rate 3.20 BREACHED" in text
    )
    mutations = text.split("## AWS mutations")[1].split("## Rollback")[0]
    assert mutations.count("| elbv2.ModifyListener (rollback) |") == 2
    assert mutations.count("| ok |") == 5
    assert "Rollback outcome: **completed**." in text
    assert "hunter2" not in text


def test_html_report_is_self_contained(canary_session) -> None:
    html = render(canary_session.dir, "html")
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="https?:', html), "nothing is fetched from the network"
    assert "<style>" in html
    assert html.count("<svg") == 2  # one chart per guardrail per step
    assert "screens/canary-25-confirm.svg" in html
    assert "hunter2" not in html


def test_html_escapes_what_the_log_says(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tui.audit.session_log import SessionLog
    from tui.clock import ManualClock

    log = SessionLog.create(tmp_path, ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    log.session_start(
        runbook_path="r.yaml",
        runbook_name="<b>r</b>",
        params={},
        mode="real",
        region="us-east-1",
        runbook_sha256="0" * 64,
    )
    log.note("<script>alert(1)</script>")
    log.close()
    html = render(tmp_path, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_torn_log_is_reported_with_a_warning(canary_session) -> None:
    with canary_session.log.open("ab") as fh:
        fh.write(b'{"seq":44,')
    text = render(canary_session.dir, "md")
    assert "> **Warning:** The log ends in a torn line (line 44)" in text


def test_a_tampered_log_gets_no_report(canary_session) -> None:
    lines = canary_session.log.read_bytes().splitlines(keepends=True)
    del lines[20]
    canary_session.log.write_bytes(b"".join(lines))
    with pytest.raises(BrokenLogError, match="line 21"):
        render(canary_session.dir, "html")
