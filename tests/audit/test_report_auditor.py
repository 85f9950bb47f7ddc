"""The report as an auditor reads it: the outcome, who operated, answered and approved, and
every exception at the top, then the timeline; world and real time labelled apart in a
rehearsal; values rounded as on screen; no `None:`; `check again` said so; the HTML one file
with the confirmed screens inside it."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from tui.audit.report import render
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock

SCREEN = '<svg xmlns="http://www.w3.org/2000/svg"><text>canary 25 % ?</text></svg>'


def _session(root: Path, mode: str = "rehearsal") -> Path:
    """A session with one of each exception: a failed precondition checked again and then
    overridden with a reason, a guardrail that triggered, an answer that timed out; a call
    outside any step; a confirmed screen; and an approval."""
    session = root / "20260314T085500Z-alb-canary"
    session.mkdir()
    (session / "screens").mkdir()
    (session / "screens" / "shift.svg").write_text(SCREEN)
    runbook = root / "runbook.yaml"
    runbook.write_text("runbook: alb-canary\n")
    log = SessionLog.create(session, ManualClock(), operator="alice")
    intent = log.api_intent(
        None, service="sts", operation="GetCallerIdentity", params={}, mutating=False
    )
    log.api_result(intent, ok=True, request_id="r-1", duration_s=0.1)
    log.session_start(
        runbook_path=runbook, runbook_name="alb-canary", params={}, mode=mode,
        region="us-east-1", account="123456789012", arn="arn:aws:iam::123456789012:user/alice",
        host="ops-laptop", user="alice", pid=1, argv=["turnout"],
    )  # fmt: skip
    log.step_start("shift", action="elbv2.set_weights", index=1)
    log.precondition("shift", name="green healthy", passed=False, observed=1, expected={"min": 2})
    asked = log.confirm_prompt("shift", kind="precondition", shown="green has 1 healthy host")
    log.confirm_answer(asked, "retry", accepted=False, who="alice")
    asked = log.confirm_prompt("shift", kind="precondition", shown="green has 1 healthy host")
    log.confirm_answer(
        asked, "override", accepted=True, typed="the second host is warming", who="alice",
        override=True, screenshot="screens/shift.svg",
    )  # fmt: skip
    log.guardrail(
        "shift", name="error rate", value=3.14159, metrics={"e": 3.14159}, breached=True,
        threshold={"max": 1}, consecutive=2, needed=2, on_breach="rollback", decision="rollback",
    )  # fmt: skip
    asked = log.confirm_prompt(
        "shift", kind="breach", shown="roll back?", timeout_s=120, default_on_timeout="rollback"
    )
    log.confirm_answer(asked, "timeout", accepted=True, who="turnout")
    request = log.approval_requested(
        "shift", kind="confirm", shown="shift?", evidence={}, required=1, approvers=["bob"],
        operator={"arn": "arn:aws:iam::123456789012:user/alice"}, timeout_s=60,
        deadline="2026-03-14T09:00:00Z", answer_seq=asked.seq,
    )  # fmt: skip
    bob = {"arn": "arn:aws:iam::123456789012:user/bob", "os_user": "bob"}
    log.approval_decided(
        request, approved=True, approver=bob, reason="looks right", file="a.json", who="bob"
    )
    log.approval_refused(request, file="b.json", approver=bob, why="already counted")
    log.session_end(3, reason="guardrail error rate", outcome="rolled_back")
    log.close()
    return session


def test_the_top_says_outcome_people_and_exceptions_before_the_timeline(tmp_path: Path) -> None:
    text = render(_session(tmp_path), "md")
    order = ["**Outcome:", "## Who", "## Exceptions (5)", "## Timeline", "## Steps"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "- **Operated by:** alice (OS user alice on ops-laptop; AWS arn:aws:iam::" in text
    assert "- **Answered by:** alice" in text
    assert re.search(r"- \*\*Approval:\*\* \+\d\d:\d\d shift: APPROVED by .*looks right", text)
    assert "approval not counted (b.json): already counted" in text.split("## Timeline")[0]
    top = text.split("## Timeline")[0]
    assert "precondition green healthy failed: observed 1, required ≥ 2" in top
    assert "shift: alice overrode: “the second host is warming”" in top
    assert "guardrail error rate breached: 3.14 (≤ 1) 2/2 → rollback" in top
    assert "nobody answered the breach question within 120s; its default was taken: rollback" in top


def test_values_as_on_screen_no_none_actor_and_check_again_named(tmp_path: Path) -> None:
    text = render(_session(tmp_path), "md")
    assert "3.14159" not in text and "3.14" in text
    assert "None:" not in text
    assert "session: calling sts.GetCallerIdentity" in text
    assert "answered check again" in text
    assert "**check again** by alice" in text


def test_a_rehearsal_labels_world_time_and_gives_real_time(tmp_path: Path) -> None:
    text = render(_session(tmp_path), "md")
    assert "| **Started (real time)** | 2026-03-14 08:55:00Z |" in text
    assert "| **Started (world time)** |" in text
    assert "| time | world time | who | what |" in text
    real = tmp_path / "real"
    real.mkdir()
    text = render(_session(real, mode="real"), "md")
    assert "world time" not in text and "| time | UTC | who | what |" in text


def test_the_html_report_embeds_the_confirmed_screen(tmp_path: Path) -> None:
    html = render(_session(tmp_path), "html")
    uri = "data:image/svg+xml;base64," + base64.b64encode(SCREEN.encode()).decode()
    assert f'src="{uri}"' in html
    assert 'href="screens/' not in html  # no relative link to a file beside it
    assert "<script" not in html.lower()


def test_a_screen_outside_the_session_directory_is_not_read(tmp_path: Path) -> None:
    session = _session(tmp_path)
    (tmp_path / "secret.svg").write_text("<svg>outside</svg>")
    log = SessionLog.resume(session, ManualClock())
    asked = log.confirm_prompt(None, kind="confirm", shown="?")
    log.confirm_answer(asked, "yes", accepted=True, who="alice", screenshot="../secret.svg")
    log.close()
    html = render(session, "html")
    assert base64.b64encode(b"<svg>outside</svg>").decode() not in html
    assert "../secret.svg</code> (file not found)" in html
