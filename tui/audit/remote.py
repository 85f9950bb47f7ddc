"""`verify --remote`, the comparison: the local log line by line against its shipped copies.

A log rewritten from scratch with its chain recomputed, or cut short, verifies on its own; its
copies off the box (a CloudWatch Logs stream that got every record as it was written, S3 object
versions kept under Object Lock) do not change with it. Each finding names a copy and one of:

- `truncated`: the copy has records past the log's end (records were cut off the log);
- `rewritten`: a record differs from the copy's record of the same seq;
- `missing`: the copy lacks records the log has (they never reached it: a shipping failure the
  log records as `audit.shipping`, or records added to the log afterwards).

Pure: the copies are fetched by tui/aws/audit_copies.py and handed in as bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One difference between the log and one copy."""

    copy: str
    kind: str  # truncated | rewritten | missing
    text: str


@dataclass(frozen=True)
class Version:
    """One S3 version of the copy, oldest first."""

    version_id: str
    latest: bool
    content: bytes
    lock_mode: str | None = None
    retain_until: datetime | None = None


def compare_stream(
    where: str, local: Sequence[bytes], shipped: Iterable[str | bytes]
) -> tuple[str, list[Finding]]:
    """The log against a stream of every record ((summary, findings); no findings: the same)."""
    by_seq: dict[int, list[bytes]] = {}
    for message in shipped:
        raw = message.encode() if isinstance(message, str) else message
        seq = _seq(raw)
        if seq:
            by_seq.setdefault(seq, []).append(raw)
    missing, rewritten = [], []
    for seq, line in enumerate(local, start=1):
        copies = by_seq.get(seq)
        if not copies:
            missing.append(seq)
        elif not any(_same(line, c) for c in copies):
            rewritten.append(seq)
    findings = []
    if rewritten:
        first = rewritten[0]
        findings.append(
            Finding(
                where,
                "rewritten",
                f"{where}: rewritten: {_count(rewritten)} differ from the copy, the first at "
                f"line {first}: {_differs(local[first - 1], by_seq[first][0])}",
            )
        )
    beyond = sorted(s for s in by_seq if s > len(local))
    if beyond:
        last = by_seq[beyond[-1]][0]
        findings.append(
            Finding(
                where,
                "truncated",
                f"{where}: truncated: the copy goes on past the log's end (line {len(local)}) "
                f"with {_count(beyond)} ({_ranges(beyond)}), the last a {_describe(last)}",
            )
        )
    if missing:
        findings.append(
            Finding(
                where,
                "missing",
                f"{where}: missing: the copy lacks {_count(missing)} of the log "
                f"({_ranges(missing)}): never shipped, or added to the log since",
            )
        )
    return f"{where}: {len(by_seq)} records shipped", findings


def compare_versions(
    where: str, local: bytes, versions: Sequence[Version]
) -> tuple[str, list[Finding]]:
    """The log against the S3 versions of its copy, each a checkpoint or the finished log."""
    if not versions:
        return f"{where}: no copy", [Finding(where, "missing", f"{where}: missing: no copy at all")]
    findings: list[Finding] = []
    for version in versions:
        found = _against(where, local, version)
        if found is not None and (version.latest or found.kind != "missing"):
            findings.append(found)  # an older checkpoint is a prefix: only its latest must match
    locked = [v for v in versions if v.lock_mode]
    lock = (
        f"{len(locked)} under Object Lock {locked[-1].lock_mode.lower()}"
        + (f" until {locked[-1].retain_until:%Y-%m-%d}" if locked[-1].retain_until else "")
        if locked and locked[-1].lock_mode
        else "none under Object Lock: a copy that can be overwritten proves little"
    )
    return f"{where}: {len(versions)} version{'s' if len(versions) != 1 else ''}, {lock}", findings


def _against(where: str, local: bytes, version: Version) -> Finding | None:
    content = version.content
    name = f"{where} (version {version.version_id})"
    if content == local:
        return None
    mine, theirs = local.splitlines(), content.splitlines()
    if local.startswith(content):
        more = len(mine) - len(theirs)
        return Finding(
            where,
            "missing",
            f"{name}: missing: the copy ends at line {len(theirs)}, the log has {more} more "
            f"record{'s' if more != 1 else ''} (the copy was not updated at the end, or "
            "records were added to the log since)",
        )
    if content.startswith(local):
        more = len(theirs) - len(mine)
        return Finding(
            where,
            "truncated",
            f"{name}: truncated: the copy goes on past the log's end (line {len(mine)}) "
            f"with {more} record{'s' if more != 1 else ''}, the last a {_describe(theirs[-1])}",
        )
    first = next(
        (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False), 1) if a != b),
        min(len(mine), len(theirs)) + 1,
    )
    a = mine[first - 1] if first <= len(mine) else b""
    b = theirs[first - 1] if first <= len(theirs) else b""
    return Finding(where, "rewritten", f"{name}: rewritten from line {first}: {_differs(a, b)}")


def _same(line: bytes, copy: bytes) -> bool:
    if line == copy:
        return True
    data = _json(copy)
    return bool(
        data.get("oversize")
        and data.get("bytes") == len(line)
        and data.get("sha256") == hashlib.sha256(line).hexdigest()
    )


def _seq(raw: bytes) -> int:
    if not raw.startswith(b'{"seq":'):
        return 0
    end = raw.find(b",", 7)
    digits = raw[7:end]
    return int(digits) if digits.isdigit() else 0


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _describe(raw: bytes) -> str:
    data = _json(raw)
    if not data:
        return "record that is not JSON"
    return f"{data.get('type', '?')} by {data.get('actor', '?')} at {data.get('ts', '?')}"


def _differs(mine: bytes, theirs: bytes) -> str:
    if not mine:
        return f"the log has nothing there, the copy a {_describe(theirs)}"
    if not theirs:
        return f"the log has a {_describe(mine)}, the copy nothing"
    a, b = _json(mine), _json(theirs)
    changed = [k for k in ("type", "actor", "ts") if a.get(k) != b.get(k)] + (
        ["payload"] if a.get("payload") != b.get("payload") else []
    )
    what = ", ".join(changed) or "its bytes"
    return f"the log has a {_describe(mine)}, the copy a {_describe(theirs)} ({what} differ)"


def _count(seqs: Sequence[int]) -> str:
    return f"{len(seqs)} record{'s' if len(seqs) != 1 else ''}"


def _ranges(seqs: Sequence[int], limit: int = 6) -> str:
    """`seq 3-7, 9` (the first few runs)."""
    runs: list[list[int]] = []
    for s in seqs:
        if runs and s == runs[-1][1] + 1:
            runs[-1][1] = s
        else:
            runs.append([s, s])
    text = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in runs[:limit])
    return f"seq {text}{', …' if len(runs) > limit else ''}"
