"""One writer per session: `audit.lock` beside the log names its owner and is held while it writes.

The lock file holds the owner's pid, host, start time and tool version as JSON, and the owner
keeps an exclusive `flock` on it for as long as it writes. Another process can therefore tell a
live owner (the flock is held: refused, naming the owner) from a stale lock left by a crash
(nobody holds the flock and the pid is gone or was reused: explained, and broken only when the
caller asks for it deliberately). A lock from another host cannot be judged from here and is
never broken automatically: the message says which host to look at.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui import __version__
from tui.audit.canonical import format_ts
from tui.audit.errors import LogLockedError
from tui.audit.sessiondir import fsync_dir

LOCK_NAME = "audit.lock"
BREAK_FLAG = "--break-stale-lock"
"""The command-line flag front ends offer for breaking a stale lock (named in messages)."""


@dataclass(frozen=True)
class LockOwner:
    """Who holds (or held) a session's lock."""

    pid: int
    host: str
    started: str
    tool: str = f"turnout {__version__}"

    def describe(self) -> str:
        """`pid 4242 on host build-7, since 2026-01-01T09:00:00.000000Z (turnout 0.1.0)`."""
        return f"pid {self.pid} on host {self.host}, since {self.started} ({self.tool})"

    @classmethod
    def me(cls) -> LockOwner:
        """This process."""
        return cls(os.getpid(), socket.gethostname(), format_ts(datetime.now(UTC)))


class SessionLock:
    """A held lock; `release()` (or leaving the `with` block) gives it up."""

    def __init__(self, path: Path, fd: int, owner: LockOwner) -> None:
        self.path = path
        self.owner = owner
        self._fd: int | None = fd

    @classmethod
    def acquire(
        cls, session_dir: str | Path, *, break_stale: bool = False
    ) -> tuple[SessionLock, LockOwner | None]:
        """Take the lock of `session_dir`.

        Returns the lock and, if a stale lock was broken to get it, the owner it named (the
        caller records that in the log). Raises LogLockedError naming the owner when another
        process holds it, when it is stale and `break_stale` is false, or when it belongs to
        another host.
        """
        path = Path(session_dir) / LOCK_NAME
        broken: LockOwner | None = None
        for _ in range(5):
            created = _create(path)
            if created is not None:
                return cls(path, created, LockOwner.me()), broken
            stale = _judge_existing(path, break_stale)
            if stale is not None:
                broken = stale
        raise LogLockedError(f"{path}: could not take the lock: other processes keep taking it")

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and let go of the flock."""
        if self._fd is None:
            return
        try:
            if os.stat(self.path).st_ino == os.fstat(self._fd).st_ino:
                self.path.unlink()
        except FileNotFoundError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def held_by(session_dir: str | Path) -> LockOwner | None:
    """Who writes the session now (their flock is held), or None: no lock file, or a stale
    one nobody holds. Only looks: a shared flock taken and given back at once, never kept."""
    path = Path(session_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_owner(fd) or LockOwner(0, "?", "?")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _create(path: Path) -> int | None:
    """Create and flock a new lock file; None if one already exists."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return None
    # Someone judging the file may hold the flock for a moment: wait for them, briefly.
    for _ in range(100):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.01)
    else:
        os.close(fd)
        raise LogLockedError(f"{path}: could not take the lock just created")
    os.write(fd, json.dumps(asdict(LockOwner.me())).encode())
    os.fsync(fd)
    fsync_dir(path.parent)
    return fd


def _judge_existing(path: Path, break_stale: bool) -> LockOwner | None:
    """Refuse a live or foreign lock; break a stale one if asked, returning its owner."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None  # released meanwhile: try again
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(fd)
            who = owner.describe() if owner else "a process that is still starting"
            raise LogLockedError(
                f"{path.parent}: this session is being written by {who}. Only one process may "
                "write a session log: wait for it to finish, or stop it first."
            ) from None
        owner = _read_owner(fd)
        if owner is None:
            raise LogLockedError(
                f"{path}: the lock file is unreadable; another process may be starting. "
                "Try again; if it persists, look at the file and remove it by hand."
            )
        here = socket.gethostname()
        if owner.host != here:
            raise LogLockedError(
                f"{path.parent}: this session is locked by {owner.describe()}. turnout cannot "
                f"tell from {here} whether it is still running: check on {owner.host}, and only "
                f"if it is gone remove {path} by hand."
            )
        why = (
            f"pid {owner.pid} is no longer running (it crashed or was killed)"
            if not _pid_alive(owner.pid)
            else f"pid {owner.pid} is running but does not hold the lock (the pid was reused, "
            "e.g. after a restart)"
        )
        if not break_stale:
            raise LogLockedError(
                f"{path.parent}: stale lock: it names {owner.describe()}, but {why}, so nothing "
                f"is writing this session. Break the lock deliberately with {BREAK_FLAG} to "
                "take the session over; the old owner is recorded in the log."
            )
        if os.stat(path).st_ino == os.fstat(fd).st_ino:
            path.unlink()
        return owner
    finally:
        os.close(fd)


def _read_owner(fd: int) -> LockOwner | None:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"null")
        return LockOwner(**data) if isinstance(data, dict) else None
    except (ValueError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
