"""How a decision reaches the one writer (tui/audit/approval_inbox.py): whole files only, one
request's files only, each read once; and `held_by` telling a running session from one nobody
runs (tui/audit/lock.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import START
from tui.audit.approval_inbox import APPROVE, INBOX, Inbox, deliver, waiting_requests
from tui.audit.lock import held_by
from tui.audit.session_log import SessionLog
from tui.clock import ManualClock


def _asking(session: Path) -> SessionLog:
    log = SessionLog.create(session, ManualClock(START), operator="alice")
    log.note("started")
    for step in ("a", "b"):
        log.approval_requested(
            step,
            kind="confirm",
            shown=f"Run {step}?",
            evidence={},
            required=1,
            approvers=[],
            operator={"arn": "arn:aws:iam::1:user/alice"},
            timeout_s=60.0,
            deadline="-",
            answer_seq=1,
        )
    return log


def test_decisions_are_whole_read_once_and_kept_for_their_own_request(tmp_path) -> None:
    log = _asking(tmp_path)
    try:
        first, second = waiting_requests(tmp_path)
        deliver(tmp_path, second, APPROVE, "", {"arn": "arn:aws:iam::1:user/bob"})
        (tmp_path / INBOX / f".{first.seq:06d}-x.json.tmp").write_text("{half")  # being written
        inbox = Inbox(tmp_path)
        assert inbox.new(first.seq) == []  # the temporary file, and another request's, unseen
        [got] = inbox.new(second.seq)
        assert (tmp_path / INBOX).stat().st_mode & 0o7777 == 0o3775  # the window's group's
        assert (got.decision, got.request_hash, got.problem) == (
            "approve",
            second.record.hash,
            None,
        )
        assert inbox.new(second.seq) == []  # read once
    finally:
        log.close()


def test_held_by_tells_a_running_session_from_one_nobody_runs(tmp_path) -> None:
    log = _asking(tmp_path)
    owner = held_by(tmp_path)
    assert owner is not None and owner.pid > 0
    log.close()
    assert held_by(tmp_path) is None


def test_a_fifo_or_a_link_in_the_inbox_is_refused_without_waiting(tmp_path) -> None:
    import os

    log = _asking(tmp_path)
    try:
        request = waiting_requests(tmp_path)[0]
        inbox = tmp_path / INBOX
        inbox.mkdir()
        os.mkfifo(inbox / f"{request.seq:06d}-fifo.json")
        (inbox / f"{request.seq:06d}-link.json").symlink_to("/etc/hostname")
        problems = sorted(str(d.problem) for d in Inbox(tmp_path).new(request.seq))
        assert problems[0] == "not a regular file" and problems[1].startswith("unreadable")
    finally:
        log.close()
