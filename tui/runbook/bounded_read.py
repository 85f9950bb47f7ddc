"""Reading a file a person names (a runbook, a scenario): regular files only, at most LIMIT bytes.

A named pipe or /dev/zero given as a runbook would block forever or fill memory, and a 20 MB
file is no runbook: it would only stop at the YAML node limit with a message about aliases.
So the type is checked with `stat` before the file is opened for reading, checked again on the
open descriptor (the path could be swapped in between), and at most LIMIT+1 bytes are read
whatever the file claims its size to be.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The benchmark runbook of 500 services and 2,000 steps (bench/plan_large.py) is 0.55 MB and
# the largest shipped one 7 KB: 2 MB leaves a large real runbook room to grow, and keeps a
# file that fits within the YAML node limit (tui/runbook/source.py, MAX_NODES).
MAX_FILE_BYTES = 2_000_000

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(Exception):
    """The file is not one turnout will read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _too_large(size: int, limit: int) -> FileRefused:
    return FileRefused(
        f"file too large ({_megabytes(size)}, the limit is {_megabytes(limit)}): a runbook of "
        "2,000 steps is about 0.6 MB; check that this is the file you meant"
    )


def _refuse_unless_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise FileRefused(f"{kind}, not a file: give the path of a YAML file")


def read_bounded_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file at `path`, refused (`FileRefused`) past `limit` bytes.

    `FileNotFoundError`, other `OSError`s and `UnicodeDecodeError` pass through for the caller
    to word."""
    _refuse_unless_regular(os.stat(path).st_mode)
    # O_NONBLOCK: should a pipe replace the file after the stat, opening it does not block.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        facts = os.fstat(fh.fileno())
        _refuse_unless_regular(facts.st_mode)
        if facts.st_size > limit:
            raise _too_large(facts.st_size, limit)
        data = fh.read(limit + 1)
    if len(data) > limit:  # it grew since the fstat
        raise _too_large(len(data), limit)
    return data.decode("utf-8")
