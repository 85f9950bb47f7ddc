"""Session directories: where they live, how one is made, and the check that it can hold a log.

Sessions live in `./sessions/<UTC time>-<runbook>/`; `--sessions-dir` overrides, then the
environment variable `TURNOUT_SESSIONS`. The check writes and fsyncs real bytes, because a
read-only mount, a full disk or a quota only shows itself on a real write, and it must show
itself before the session mutates anything.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tui.audit.errors import SessionDirError

SESSIONS_ENV = "TURNOUT_SESSIONS"
DEFAULT_SESSIONS_DIR = "sessions"
MIN_FREE_BYTES = 16 * 1024 * 1024
"""Free space a session needs before it starts: a long session's log, its screenshots, slack."""
_PROBE_BYTES = 64 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sessions_root(
    explicit: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The directory sessions are made in: `explicit`, else $TURNOUT_SESSIONS, else ./sessions."""
    env = os.environ if environ is None else environ
    return Path(explicit or env.get(SESSIONS_ENV) or DEFAULT_SESSIONS_DIR)


def session_dir_name(runbook: str, started: datetime) -> str:
    """`20260101T090000Z-web-tier-ami-upgrade`: sortable, no characters a shell or Windows minds."""
    stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = _UNSAFE.sub("-", runbook).strip("-.") or "session"
    return f"{stamp}-{name}"


def create_session_dir(
    runbook: str,
    started: datetime,
    root: str | Path | None = None,
    *,
    min_free_bytes: int = MIN_FREE_BYTES,
) -> Path:
    """Make a new, empty, checked session directory and return its path.

    Two sessions started in the same second get `-2`, `-3`… suffixes rather than sharing a log.
    Raises SessionDirError (exit 2) if the directory cannot be made, written or has less than
    `min_free_bytes` free.
    """
    base = sessions_root(root)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SessionDirError(_explain(base, exc)) from exc
    stem = session_dir_name(runbook, started)
    for attempt in range(1, 1000):
        path = base / (stem if attempt == 1 else f"{stem}-{attempt}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise SessionDirError(_explain(base, exc)) from exc
        check_writable(path, min_free_bytes=min_free_bytes)
        return path
    raise SessionDirError(f"{base}: too many sessions named {stem}; remove old ones")


def check_writable(path: str | Path, *, min_free_bytes: int = MIN_FREE_BYTES) -> None:
    """Prove `path` can hold a log: enough free space, and a real write+fsync that succeeds.

    Raises SessionDirError naming the directory and what to do.
    """
    path = Path(path)
    try:
        free = shutil.disk_usage(path).free
    except OSError as exc:
        raise SessionDirError(_explain(path, exc)) from exc
    if free < min_free_bytes:
        raise SessionDirError(
            f"{path}: only {_mib(free)} free, a session needs at least {_mib(min_free_bytes)}. "
            f"Free some space or choose another place with --sessions-dir or ${SESSIONS_ENV}."
        )
    probe = path / f".write-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, b"\0" * _PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise SessionDirError(_explain(path, exc)) from exc
    finally:
        probe.unlink(missing_ok=True)


def _mib(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MiB"


def _explain(path: Path, exc: OSError) -> str:
    what = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EFBIG: "the file size limit was reached",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a file is in the way of the directory",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return (
        f"{path}: cannot write the session log: {what}. Nothing was changed. Choose a writable "
        f"place with --sessions-dir or ${SESSIONS_ENV}."
    )


def fsync_dir(path: str | Path) -> None:
    """Make new directory entries durable, so a power cut does not lose a file just created."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte, or raise: `os.write` may write part and only fail on the next call."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
