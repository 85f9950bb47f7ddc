"""A session paused by a denied change and resumed ships its log to one stream, every record
once. Its own file: it needs a world of its own, and two in-process worlds cannot run at once
(test_audit_remote.py keeps one for its module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.test_audit_remote import _canary, _stream
from tests.engine.drill import drill, resume_drill
from tests.engine.test_blocked_session import NO_MODIFY_LISTENER, role_session

pytestmark = pytest.mark.slow


def test_a_resumed_session_ships_only_what_its_copies_lack(tmp_path: Path, turnout) -> None:
    """Paused by a denied change (exit 130), resumed with credentials that have it: the stream
    holds every record of the one log exactly once, in order, and the latest S3 version is the
    finished log."""
    d = drill(
        _canary(tmp_path),
        tmp_path / "sessions",
        sets={"bake": "1m", "full_bake": "2m"},
        credentials=lambda w: role_session(w, policy=NO_MODIFY_LISTENER),
    )
    try:
        assert d.code == 130, d.output[-2000:]
        first = len(d.log.read_bytes().splitlines())
        resumed = resume_drill(d, role_session(d.world))
        assert resumed.code == 0, resumed.output[-2000:]
        lines = d.log.read_bytes().splitlines()
        assert len(lines) > first
        assert [m.encode() for m in _stream(d, d.outcome.session_dir.name)] == lines
        ok = turnout("audit", "verify", str(d.outcome.session_dir), "--remote")
        assert ok.code == 0, ok.err
        assert "every copy matches the log" in ok.out
    finally:
        d.world.stop()
