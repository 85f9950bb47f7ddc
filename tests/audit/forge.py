"""What a forger with write access to the session directory can do that the hash chain alone
cannot see: rewrite the whole log with its chain recomputed, or cut records off its end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.audit.canonical import GENESIS, encode_line

Change = Callable[[dict[str, Any]], dict[str, Any] | None]
"""Given a record (seq, ts, type, actor, payload), the record to write instead, or None to drop."""


def rewrite(log: Path, change: Change) -> None:
    """Rewrite `log` record by record through `change`, renumbering and re-chaining: the result
    verifies as intact."""
    out, prev, seq = bytearray(), GENESIS, 0
    for raw in log.read_bytes().splitlines():
        record = change(json.loads(raw))
        if record is None:
            continue
        seq += 1
        line, prev = encode_line(
            seq, record["ts"], record["type"], record["actor"], record["payload"], prev
        )
        out += line
    log.write_bytes(bytes(out))


def cut_last(log: Path, lines: int) -> None:
    """Cut the last `lines` records off `log` (whole lines: it still verifies)."""
    kept = log.read_bytes().splitlines(keepends=True)[:-lines]
    log.write_bytes(b"".join(kept))


def as_completed(record: dict[str, Any]) -> dict[str, Any] | None:
    """The rewrite an operator hiding a rollback would make: no rollback records, another
    actor, and a session that ends `completed`."""
    if record["type"].startswith("rollback."):
        return None
    if record["actor"] not in ("turnout",):
        record["actor"] = "mallory"
    if record["type"] == "session.end":
        record["payload"] = {**record["payload"], "exit_code": 0, "outcome": "completed"}
    return record
