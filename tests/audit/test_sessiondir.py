"""Session directories: named and placed as docs/audit.md#session-directories says, and
refused before anything mutates when they cannot hold a log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.audit.errors import SessionDirError
from tui.audit.sessiondir import check_writable, create_session_dir, sessions_root

REPO = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 3, 14, 9, 0, 5, tzinfo=UTC)


def test_sessions_go_under_the_explicit_dir_then_env_then_cwd() -> None:
    assert sessions_root("x", {"TURNOUT_SESSIONS": "y"}) == Path("x")
    assert sessions_root(None, {"TURNOUT_SESSIONS": "y"}) == Path("y")
    assert sessions_root(None, {}) == Path("sessions")


def test_a_session_dir_is_named_by_utc_time_and_runbook(tmp_path: Path) -> None:
    first = create_session_dir("web tier/ami", WHEN, tmp_path)
    second = create_session_dir("web tier/ami", WHEN, tmp_path)
    assert first.name == "20260314T090005Z-web-tier-ami"
    assert second.name == "20260314T090005Z-web-tier-ami-2"
    assert list(first.iterdir()) == []


def test_not_enough_free_space_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SessionDirError) as refused:
        create_session_dir("canary", WHEN, tmp_path, min_free_bytes=1 << 62)
    assert "free" in str(refused.value) and "--sessions-dir" in str(refused.value)


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sessions").write_text("not a directory")
    with pytest.raises(SessionDirError, match="cannot write the session log"):
        create_session_dir("canary", WHEN, tmp_path / "sessions" / "deeper")


def test_a_full_disk_shows_on_the_probe_write(tmp_path: Path) -> None:
    """The file size limit makes the probe's real write fail, as a full disk would."""
    code = (
        "import json, resource, signal, sys\n"
        "from tui.audit.sessiondir import check_writable\n"
        "from tui.audit.errors import SessionDirError\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "try:\n"
        "    check_writable(sys.argv[1], min_free_bytes=0)\n"
        "    print(json.dumps(None))\n"
        "except SessionDirError as exc:\n"
        "    print(json.dumps(str(exc)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    message = json.loads(out.stdout)
    assert message and "the file size limit was reached" in message
    assert "Nothing was changed" in message
    assert list(tmp_path.iterdir()) == [], "the probe file is removed"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(SessionDirError, match="permission denied"):
            check_writable(tmp_path, min_free_bytes=0)
    finally:
        tmp_path.chmod(0o755)
