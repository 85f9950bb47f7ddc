"""One record of a session log, as read back: the fields verification needs are sliced out of the
line's fixed layout; actor and payload are parsed from JSON only when first asked for.

Verifying a 100,000-event log therefore costs about one SHA-256 per line plus a regular
expression, not a JSON parse per line (which would cost twenty times the hashing); a report or a
resume, which read every payload, pay for the parse.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from tui.audit.errors import BrokenLogError

# The fixed head of every line: seq, a 27-character UTC timestamp, an event type, then actor.
HEAD = re.compile(
    rb'\{"seq":([1-9][0-9]{0,18}),"ts":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)",'
    rb'"type":"([a-z][a-z0-9_.]{0,63})","actor":"'
)
FIELDS = ("seq", "ts", "type", "actor", "payload", "prev", "hash")


def parse_record(raw: bytes) -> dict[str, Any] | None:
    """A line's JSON if it is a usable record (the seven members in order, an actor string and a
    payload object), else None."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if (
        not isinstance(data, dict)
        or tuple(data) != FIELDS
        or not isinstance(data["actor"], str)
        or not isinstance(data["payload"], dict)
    ):
        return None
    return data


class Record:
    """One verified record. `line` is its 1-based line number, `end` the byte offset after it."""

    __slots__ = ("_data", "_raw", "end", "hash", "line", "prev", "seq", "ts", "type")

    def __init__(
        self,
        seq: int,
        ts: str,
        type_: str,
        prev: str,
        hash_: str,
        line: int,
        end: int,
        *,
        raw: bytes | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.seq = seq
        self.ts = ts
        self.type = type_
        self.prev = prev
        self.hash = hash_
        self.line = line
        self.end = end
        self._raw = raw
        self._data = data

    def _parsed(self) -> dict[str, Any]:
        if self._data is None:
            assert self._raw is not None
            data = parse_record(self._raw)
            if data is None:
                raise BrokenLogError(
                    f"line {self.line}: its hash chains, but it is not a valid record: it was "
                    "forged by someone who recomputed the chain, or written by a faulty tool",
                    line=self.line,
                    reason="malformed",
                )
            self._data = data
            self._raw = None
        return self._data

    @property
    def actor(self) -> str:
        """Who the record speaks for: `turnout`, or the person who answered."""
        return self._parsed()["actor"]

    @property
    def payload(self) -> dict[str, Any]:
        """The event's data (docs/audit.md lists each event's members)."""
        return self._parsed()["payload"]

    @property
    def time(self) -> datetime:
        """`ts` as an aware UTC datetime."""
        return datetime.fromisoformat(self.ts)

    def __repr__(self) -> str:
        return f"Record(seq={self.seq}, ts={self.ts!r}, type={self.type!r}, line={self.line})"
