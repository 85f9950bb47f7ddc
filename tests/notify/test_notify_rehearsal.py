"""End to end: `turnout rehearse --scenario bad-ami --headless` as a person runs it, telling a
real receiver on 127.0.0.1; and the webhook's URL, a secret, hunted in every file and stream.

The runbook names two webhooks: one hears only the rollback and the end (Slack's format), the
other everything (generic). The receiver gets the rollback started and finished and the
session's end with its outcome; the log records each delivery before `session.end`, so the last
hash the session prints is its last line's. Then validate, plan, plan --json, audit verify and
report (Markdown and HTML) run on the same runbook and session: none may show the URL's path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attack_runbook import ROOT, leaks
from tests.notify.receiver import receiving
from tui.audit.chain import read_log
from tui.runbook.secrets import MASK

pytestmark = pytest.mark.slow
SECRET = "T0NOTIFY/B0NOTIFY/SECRETrehearsalHook"


def _runbook(directory: Path, port: int) -> Path:
    text = (ROOT / "runbooks" / "alb-canary.yaml").read_text(encoding="utf-8")
    text += (
        "\nnotify:\n"
        f"  - url: http://127.0.0.1:{port}/slack/services/{SECRET}\n"
        "    events: [rollback.started, rollback.finished, session.end]\n"
        f"  - url: http://localhost:{port}/generic/{SECRET}?token=SECRETquery42\n"
        "    format: generic\n"
    )
    directory.mkdir()
    path = directory / "notified.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _turnout(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"},
    )


def test_a_bad_ami_rehearsal_tells_the_channel_and_never_shows_the_url(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    texts: dict[str, str] = {}

    def run(name: str, *args: str, code: int = 0) -> str:
        done = _turnout(work, *args)
        texts[f"{name} stdout"], texts[f"{name} stderr"] = done.stdout, done.stderr
        assert done.returncode == code, f"{name}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    with receiving() as rx:
        runbook = str(_runbook(tmp_path / "runbooks", rx.port))
        out = run(
            "rehearse",
            "rehearse",
            runbook,
            "--scenario",
            "bad-ami",
            "--headless",
            "--auto-approve",
            "--sessions-dir",
            "sessions",
            code=3,
        )
        received = list(rx.received)
    slack = [r.body["text"] for r in received if r.path.startswith("/slack/")]
    generic = [r.body for r in received if r.path.startswith("/generic/")]
    assert len(slack) == 3, slack
    assert re.match(
        r"\*turnout alb-canary\* \(rehearsal, session \S+-alb-canary\): "
        r"rolling back: guardrail green 5xx rate",
        slack[0],
    )
    assert "rollback finished and verified" in slack[1]
    assert "session ended: rolled back (exit 3)" in slack[2]
    events = [g["event"] for g in generic]
    assert events[-3:] == ["rollback.started", "rollback.finished", "session.end"]
    assert "guardrail.breach" in events and "question.waiting" in events  # the breach's question
    assert generic[-1]["details"]["outcome"] == "rolled_back"

    [session] = list((work / "sessions").iterdir())
    records = read_log(session / "audit.jsonl").records
    assert records[-1].type == "session.end"
    sent = [r.payload for r in records if r.type == "notify.sent"]
    assert len(sent) == len(received) and not [r for r in records if r.type == "notify.failed"]
    assert {s["target"] for s in sent} == {
        f"http://127.0.0.1:{rx.port}/{MASK}",
        f"http://localhost:{rx.port}/{MASK}",
    }
    assert f"last hash: {records[-1].hash}" in out

    run("validate", "validate", runbook)
    assert f"http://127.0.0.1:{rx.port}/{MASK} (slack)" in run("plan", "plan", runbook)
    run("plan --json", "plan", runbook, "--json")
    run("verify", "audit", "verify", str(session))
    assert "notified http://localhost" in run("report", "audit", "report", str(session))
    run("html", "audit", "report", str(session), "-o", str(session / "report.html"))
    secrets = {"path": SECRET, "query": "SECRETquery42", "slack": f"/slack/services/{SECRET}"}
    assert leaks(secrets, texts, work) == []
