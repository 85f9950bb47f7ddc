"""The anchor: the last hash of a log, kept somewhere else, and the check against it.

A hash chain proves nothing was changed *inside* a log; it cannot see records cut off its end,
nor a log rewritten from scratch with its chain recomputed (both verify). Only a hash kept
elsewhere (the change ticket, a shipped copy) closes that: every session ends by printing
`anchor_line`, and `turnout audit verify SESSION --expect HASH` (`check_expected`) fails unless
the log ends exactly there, naming what it found instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tui.audit.chain import LogReading
from tui.audit.events import Event
from tui.errors import InputError

_HASH = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


def anchor_text(path: str | Path, last_hash: str) -> str:
    """`<path> ends at sha256:<hash>`: the one wording every front end ends with."""
    return f"{path} ends at sha256:{last_hash}"


def anchor_line(path: str | Path, last_hash: str) -> str:
    """`audit: <path> ends at sha256:<hash>`: the anchor as a line of its own."""
    return f"audit: {anchor_text(path, last_hash)}"


def parse_expected(text: str) -> str:
    """The 64 hex digits of `HASH` or `sha256:HASH` (any case); InputError (exit 2) if not."""
    found = _HASH.fullmatch(text.strip().lower())
    if found is None:
        raise InputError(
            f"--expect {text!r}: not a log hash; give the 64 hex digits a session ended with "
            "(`audit: … ends at sha256:<hash>`), with or without the sha256: prefix"
        )
    return found.group(1)


@dataclass(frozen=True)
class AnchorCheck:
    """`ok` when the log ends exactly at the expected hash; `finding` names what was found:
    `matches`, `longer` (records after it), `shorter-or-rewritten` (the hash is in no record)."""

    ok: bool
    finding: str
    text: str


def check_expected(reading: LogReading, expected: str) -> AnchorCheck:
    """Compare an intact log's records with the hash kept elsewhere."""
    records = reading.records
    last = records[-1] if records else None
    short = expected[:12]
    if last is not None and last.hash == expected:
        return AnchorCheck(True, "matches", f"  anchor:    ends at the expected sha256:{short}…")
    at = next((r for r in records if r.hash == expected), None)
    if at is not None:
        after = len(records) - at.line
        plural = "s" if after != 1 else ""
        return AnchorCheck(
            False,
            "longer",
            f"{reading.path}: DOES NOT END AT THE EXPECTED HASH (longer)\n"
            f"  sha256:{short}… is line {at.line} ({at.type}); the log goes on for {after} more "
            f"record{plural} to line {len(records)} ({last.type if last else '?'})"
            f": records were added after the hash was taken{_resumed(records, at.line)}",
        )
    ended = last is not None and last.type == Event.SESSION_END
    why = (
        "the log was rewritten (its chain recomputed), or cut and given a new end"
        if ended
        else "records were cut off its end (it has no session.end), or it was rewritten"
    )
    return AnchorCheck(
        False,
        "shorter-or-rewritten",
        f"{reading.path}: DOES NOT END AT THE EXPECTED HASH (shorter or rewritten)\n"
        f"  sha256:{short}… is in none of its {len(records)} records; it ends at "
        f"sha256:{reading.last_hash[:12]}… ({last.type if last else 'no record'}): {why}",
    )


def _resumed(records: list, after: int) -> str:
    """`(the session was resumed at line N)` when it was, after the anchor: a resume carries a
    session on, and its end printed a new anchor, the one to check against."""
    resume = next((r for r in records[after:] if r.type == Event.SESSION_RESUME), None)
    if resume is None:
        return ""
    return (
        f" (the session was resumed at line {resume.line}: check against the hash its "
        "resumed run ended with)"
    )
