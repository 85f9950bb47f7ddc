"""The writer: records survive the process, torn lines need a deliberate repair, failed writes
are cut back, many threads share one chain, secrets never reach the disk."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.audit.chain import read_log
from tui.audit.errors import BrokenLogError, SessionDirError, TornLogError
from tui.audit.resume import resume_state
from tui.audit.session_log import SessionLog
from tui.audit.writer import AuditWriter
from tui.clock import ManualClock

REPO = Path(__file__).resolve().parents[2]


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_records_survive_a_killed_process(tmp_path: Path) -> None:
    """Each append is written through before it returns: SIGKILL right after loses nothing."""
    result = _python(
        "import os, signal\n"
        "from tui.audit.writer import AuditWriter\n"
        "from tui.clock import ManualClock\n"
        "w = AuditWriter.create('.', ManualClock())\n"
        "for i in range(25):\n"
        "    w.append('note', {'text': f'n{i}'})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n",
        tmp_path,
    )
    assert result.returncode == -9
    reading = read_log(tmp_path)
    assert reading.intact
    assert [r.payload["text"] for r in reading.records] == [f"n{i}" for i in range(25)]


def test_torn_line_refused_then_repaired_and_recorded(canary_session) -> None:
    torn = b'{"seq":44,"ts":"2026-03-14T09:20:09.000000Z","type":"no'
    with canary_session.log.open("ab") as fh:
        fh.write(torn)
    with pytest.raises(TornLogError) as refused:
        SessionLog.resume(canary_session.dir, ManualClock())
    assert refused.value.line == 44
    assert "--repair-log" in str(refused.value)
    assert read_log(canary_session.dir).torn, "refusing must not touch the log"

    log = SessionLog.resume(canary_session.dir, ManualClock(), repair_torn=True)
    log.close()
    reading = read_log(canary_session.dir)
    assert reading.intact
    repair, resumed = reading.records[43], reading.records[44]
    assert (repair.type, resumed.type) == ("log.repair", "session.resume")
    assert repair.payload["truncated_bytes"] == len(torn)
    assert repair.payload["line"] == 44
    import base64

    assert base64.b64decode(repair.payload["truncated_base64"]) == torn


def test_a_tampered_log_cannot_be_appended_to(canary_session) -> None:
    lines = canary_session.log.read_bytes().splitlines(keepends=True)
    del lines[5]
    canary_session.log.write_bytes(b"".join(lines))
    with pytest.raises(BrokenLogError) as refused:
        SessionLog.resume(canary_session.dir, ManualClock(), repair_torn=True)
    assert refused.value.line == 6
    assert not (canary_session.dir / "audit.lock").exists()


def test_a_session_cannot_be_started_twice(canary_session) -> None:
    with pytest.raises(SessionDirError, match="already has a log"):
        SessionLog.create(canary_session.dir, ManualClock())


def test_a_failed_write_is_cut_back_and_the_log_still_verifies(tmp_path: Path) -> None:
    """A real write failure (the file size limit, as a full disk would): nothing half-written."""
    result = _python(
        "import json, resource, signal\n"
        "from tui.audit.writer import AuditWriter\n"
        "from tui.audit.errors import AuditWriteError\n"
        "from tui.clock import ManualClock\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "w = AuditWriter.create('.', ManualClock())\n"
        "w.append('note', {'text': 'before'})\n"
        "size = w.path.stat().st_size\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (size + 100, size + 100))\n"
        "try:\n"
        "    w.append('api.intent', {'params': 'x' * 5000})\n"
        "    print(json.dumps({'raised': None}))\n"
        "except AuditWriteError as exc:\n"
        "    print(json.dumps({'raised': str(exc), 'code': int(exc.exit_code)}))\n",
        tmp_path,
    )
    outcome = json.loads(result.stdout)
    assert outcome["raised"] and "was not taken" in outcome["raised"]
    assert outcome["code"] == 4
    reading = read_log(tmp_path)
    assert reading.intact and len(reading.records) == 1


def test_threads_share_one_chain(tmp_path: Path) -> None:
    writer = AuditWriter.create(tmp_path, ManualClock())

    def worker(name: str) -> None:
        for i in range(20):
            writer.append("step.progress", {"step": name, "state": str(i)})

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    reading = read_log(tmp_path)
    assert reading.intact
    assert [r.seq for r in reading.records] == list(range(1, 81))


def test_secrets_never_reach_the_disk(tmp_path: Path) -> None:
    log = SessionLog.create(tmp_path, ManualClock())
    intent = log.api_intent(
        "db",
        service="rds",
        operation="ModifyDBInstance",
        params={
            "DBInstanceIdentifier": "orders-db",
            "MasterUserPassword": "hunter2-pw",
            "Tags": [{"Key": "api_token", "Value": "tok-123456"}],
            "Nested": {"deeper": [{"client_secret": {"a": "s3cr3t-nested"}}]},
        },
    )
    log.api_result(intent, ok=True, response={"Credentials": {"SessionToken": "sess-xyz"}})
    log.undo_captured(
        "lt",
        action="launch_template.create_version",
        data={"version": 3, "UserData": "IyEvYmluL3NoCmVjaG8gc2VjcmV0"},
    )
    log.close()
    text = (tmp_path / "audit.jsonl").read_text()
    for secret in ("hunter2-pw", "tok-123456", "s3cr3t-nested", "sess-xyz", "IyEvYmluL3No"):
        assert secret not in text
    assert "orders-db" in text and '"version":3' in text


def test_lock_is_released_on_close(tmp_path: Path) -> None:
    log = SessionLog.create(tmp_path, ManualClock())
    assert (tmp_path / "audit.lock").exists()
    log.close()
    assert not (tmp_path / "audit.lock").exists()


def test_a_log_torn_in_its_first_line_can_be_repaired(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").write_bytes(b'{"seq":1,"ts":"2026')
    SessionLog.resume(tmp_path, ManualClock(), repair_torn=True).close()
    state = resume_state(tmp_path)
    assert [r.type for r in state.fold.records] == ["log.repair", "session.resume"]
