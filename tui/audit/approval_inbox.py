"""How a second person's approval reaches a running session without a second writer.

A session log has one writer: the process that holds `audit.lock` (lock.py), whose `AuditWriter`
keeps the next seq and the previous hash in memory. A second process appending under the same
lock would have to take it from a live owner (lock.py refuses that, rightly), and appending
without it would race the owner's next record: two lines chained to the same previous hash, a
log that no longer verifies, or a record the session never saw. So the approver never touches
`audit.jsonl`. Instead:

1. The session writes `approval.requested` (its own record, its own seq): what is to be
   approved, exactly as the operator was shown it, and who the operator is.
2. `turnout approve` reads the log (read-only, as replay does), finds that open request, shows
   it, and drops a *decision file* into `approvals/` beside the log: written to a temporary
   name, fsynced, then renamed (`os.replace`), so the session only ever sees a whole file.
   The decision names the request by seq and by record hash, so it approves exactly what was
   shown, never a later request that reuses a step id.
3. The session, waiting on its own thread, reads new decision files, checks them (the right
   request, not the operator, one of the `from` list) and chains the outcome itself:
   `approval.given`, `approval.denied` or `approval.refused`, then `approval.ended`.

Every record therefore comes from the one writer, in order, and the chain stays sound; the files
stay in `approvals/` as the approver's own evidence. What the file cannot prove is that its
`arn` is really the approver's: it is what their STS GetCallerIdentity said, written by someone
who can write the session directory (docs/team.md says who should be able to).
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.audit.chain import read_log
from tui.audit.errors import SessionDirError
from tui.audit.events import Event
from tui.audit.record import Record
from tui.audit.sessiondir import fsync_dir, write_all

INBOX = "approvals"
KIND = "turnout-approval/1"
APPROVE, DENY = "approve", "deny"
MAX_BYTES = 64 * 1024
"""A decision file is a few hundred bytes; anything larger is refused unread."""
INBOX_MODE = 0o3775
"""`approvals/`: group-writable, setgid and sticky (see `deliver`)."""
MAX_FILES = 200
"""More decision files than this for one session is an attack or a loop: the rest are ignored."""


@dataclass(frozen=True)
class Decision:
    """One decision file, as read back. `problem` says why it cannot count (unreadable, not a
    decision); identity checks are the engine's (tui/engine/approvals.py)."""

    file: str
    request_seq: int | None = None
    request_hash: str | None = None
    decision: str | None = None
    reason: str = ""
    approver: Mapping[str, Any] = field(default_factory=dict)
    problem: str | None = None


@dataclass(frozen=True)
class OpenRequest:
    """An `approval.requested` record the session is waiting on."""

    record: Record

    @property
    def seq(self) -> int:
        return self.record.seq

    @property
    def step(self) -> str | None:
        return self.record.payload.get("step")


def deliver(
    session_dir: str | Path,
    request: OpenRequest,
    decision: str,
    reason: str,
    approver: Mapping[str, Any],
) -> Path:
    """Write one decision for `request` into the session's inbox, atomically; its path."""
    inbox = Path(session_dir) / INBOX
    try:
        inbox.mkdir(exist_ok=False)
        # A second approver is often another OS user of the window's group: the inbox is the
        # group's to write in (setgid: files keep the group; sticky: nobody removes another's).
        inbox.chmod(INBOX_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise SessionDirError(f"{inbox}: cannot deliver the decision: {exc.strerror}") from exc
    body = {
        "kind": KIND,
        "request_seq": request.seq,
        "request_hash": request.record.hash,
        "step": request.step,
        "decision": decision,
        "reason": reason,
        "approver": dict(approver),
    }
    name = f"{request.seq:06d}-{uuid.uuid4().hex}.json"
    final, temporary = inbox / name, inbox / f".{name}.tmp"
    data = (json.dumps(body, sort_keys=True) + "\n").encode()
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, final)
        fsync_dir(inbox)
    except OSError as exc:
        raise SessionDirError(f"{final}: cannot deliver the decision: {exc.strerror}") from exc
    return final


class Inbox:
    """The session's side: decision files not yet seen, oldest first."""

    def __init__(self, session_dir: str | Path) -> None:
        self.path = Path(session_dir) / INBOX
        self._seen: set[str] = set()

    def new(self, request_seq: int) -> list[Decision]:
        """Decision files for the request at `request_seq` that arrived since the last call
        (temporary names are skipped; files for another request are left for it)."""
        prefix = f"{request_seq:06d}-"
        try:
            names = sorted(
                n for n in os.listdir(self.path) if n.startswith(prefix) and n.endswith(".json")
            )
        except FileNotFoundError:
            return []
        fresh = [n for n in names if n not in self._seen][: max(0, MAX_FILES - len(self._seen))]
        self._seen.update(fresh)
        return [_read(self.path / n) for n in fresh]


def _read(path: Path) -> Decision:
    name = f"{INBOX}/{path.name}"
    try:
        # Only a plain file, opened without following a link and without waiting: a FIFO or a
        # link to a device dropped here must not hang or feed the engine's thread.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Decision(name, problem="not a regular file")
            if info.st_size > MAX_BYTES:
                return Decision(name, problem=f"larger than {MAX_BYTES} bytes")
            data = json.loads(os.read(fd, MAX_BYTES + 1))
        finally:
            os.close(fd)
    except (OSError, ValueError) as exc:
        return Decision(name, problem=f"unreadable: {exc}")
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return Decision(name, problem=f"not a {KIND} decision")
    seq, digest, said = data.get("request_seq"), data.get("request_hash"), data.get("decision")
    approver, reason = data.get("approver"), data.get("reason", "")
    if (
        not isinstance(seq, int)
        or not isinstance(digest, str)
        or said not in (APPROVE, DENY)
        or not isinstance(approver, dict)
        or not isinstance(reason, str)
    ):
        return Decision(name, problem="a member is missing or of the wrong type")
    clean = {k: str(v)[:256] for k, v in approver.items() if isinstance(k, str)}
    return Decision(name, seq, digest, said, reason[:2000], clean)


def open_requests(records: Iterable[Record]) -> list[OpenRequest]:
    """The requests a log shows waiting: `approval.requested` with no `approval.ended`, not
    before the session's last start or resume (a resumed session asks again)."""
    waiting: dict[int, Record] = {}
    for record in records:
        if record.type in (Event.SESSION_RESUME, Event.SESSION_END):
            waiting.clear()
        elif record.type == Event.APPROVAL_REQUESTED:
            waiting[record.seq] = record
        elif record.type == Event.APPROVAL_ENDED:
            waiting.pop(record.payload.get("request_seq"), None)  # type: ignore[arg-type]
    return [OpenRequest(r) for r in waiting.values()]


def waiting_requests(session: str | Path) -> list[OpenRequest]:
    """The open requests of the session at `session` (its directory or audit.jsonl), read
    read-only; a log that does not verify is refused (nobody approves on a forged record)."""
    reading = read_log(session)
    if reading.problem is not None and reading.problem.reason == "empty":
        return []  # the session is starting: nothing asked yet
    if reading.problem is not None and not reading.torn:  # torn: a write under way right now
        raise SessionDirError(
            f"{reading.path}: the log does not verify ({reading.problem}); nothing in it can "
            "be approved. `turnout audit verify` says more."
        )
    return open_requests(reading.records)
