"""Verifying a whole log at close to hashing speed, without building a `Record` per line.

`turnout audit verify` needs to know that every line chains, and six facts for its summary. The
careful reader (`chain.read_log`) checks one line at a time and builds a `Record` for each, which
cost ten times the hashing. `scan_log` checks the same rules over the whole file in bulk:

- one RE2 match over the whole file: every line has the record layout (`record.HEAD`, the fixed
  `prev` and `hash` tail) *and* is strict, compact JSON with the seven members in order, an
  actor string and a payload object (what `Record.payload` later demands, issue 18);
- one list of SHA-256s, one per line, joined and compared with the claimed hashes at once;
- the `prev` of every line against the hash before it, and every `seq` against its line number,
  each as one comparison of joined bytes.

It is a fast path, not a second definition: it only ever says "intact" (returning the facts) or
"not sure" (None). On None the caller reads the log the careful way, which names the first bad
line and why. The pattern accepts only what the writer writes (compact JSON, nesting no deeper
than `MAX_DEPTH` inside the payload, integers of at most 30 digits); a line past it is parsed on
its own (`record.parse_record`, what `Record.payload` uses), so the pattern can slow a verify
down but never change its verdict.
"""

from __future__ import annotations

import binascii
import hashlib
import mmap
import os
from collections import Counter
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

from tui.audit.canonical import GENESIS, TAIL_LENGTH, declared_prev, split_line
from tui.audit.record import HEAD, Record, parse_record

MAX_DEPTH = 4
"""Nesting inside a payload the fast path understands (the pattern grows fourfold per level)."""

# Where the two hashes sit at the end of every line: `"prev":"<64>","hash":"<64>"}`.
_PREV = itemgetter(slice(-TAIL_LENGTH - 65, -TAIL_LENGTH - 1))
_HASH = itemgetter(slice(-66, -2))
_P0, _P1 = -TAIL_LENGTH - 65, -TAIL_LENGTH - 1
_GENESIS = GENESIS.encode()
PATTERN_FROM = 1 << 21
"""Logs this large are checked with the compiled pattern; smaller ones parse each line."""
CHUNK = 1 << 18
"""Bytes checked at a time: small enough to stay in the cache between the match and the hashing."""
_TS_TO_TYPE = len('"ts":"2026-01-01T00:00:00.000000Z","type":"')

# Strict JSON (RFC 8259) in the writer's compact form. Integers are held to 30 digits because
# Python refuses to parse a long enough one (sys.int_info.default_max_str_digits).
_STRING = rb'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
_NUMBER = rb"-?(?:0|[1-9][0-9]{0,29})(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR = rb"(?:" + _STRING + rb"|" + _NUMBER + rb"|true|false|null"


def _value(depth: int) -> bytes:
    if depth == 0:
        return _SCALAR + rb"|\{\}|\[\])"
    inner = _value(depth - 1)
    return _SCALAR + rb"|" + _object(inner) + rb"|\[(?:" + inner + rb"(?:," + inner + rb")*)?\])"


def _object(value: bytes) -> bytes:
    member = _STRING + rb":" + value
    return rb"\{(?:" + member + rb"(?:," + member + rb")*)?\}"


def _line_pattern() -> bytes:
    """One log line (without its newline): `record.HEAD`, the actor, the payload, the fixed tail."""
    return (
        rb'\{"seq":[1-9][0-9]{0,18},"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
        rb'\.[0-9]{6}Z","type":"[a-z][a-z0-9_.]{0,63}","actor":'
        + _STRING
        + rb',"payload":'
        + _object(_value(MAX_DEPTH))
        + rb',"prev":"[0-9a-f]{64}","hash":"[0-9a-f]{64}"\}'
    )


@cache
def _log_pattern():
    """The whole file as lines of records, compiled once (RE2: linear time, whatever the input)."""
    import re2

    options = re2.Options()
    options.max_mem = 256 << 20  # the DFA for the nested grammar; 8 MB (the default) thrashes
    options.never_capture = True
    return re2.compile(rb"(?:" + _line_pattern() + rb"\n)*", options)


@dataclass(frozen=True)
class LogScan:
    """What an intact log says, read without a `Record` per line: the verify summary's facts."""

    path: Path
    count: int
    last_hash: str
    first: Record
    last: Record
    start: Record | None
    end: Record | None
    counts: Counter[str]

    @classmethod
    def of_records(cls, path: Path, records: list[Record]) -> LogScan:
        """The same facts from records already read (the careful path)."""
        return cls(
            path,
            len(records),
            records[-1].hash,
            records[0],
            records[-1],
            next((r for r in records if r.type == "session.start"), None),
            next((r for r in reversed(records) if r.type == "session.end"), None),
            Counter(r.type for r in records),
        )


def scan_log(path: Path) -> LogScan | None:
    """The facts of an intact log, or None when the careful reader must decide.

    The file is mapped, not read, and checked a slice of whole lines at a time: a one-shot
    command pays for every fresh page it touches, and a 55 MB copy plus its lines cost more
    than the hashing (docs/audit.md#speed).
    """
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            if view[size - 1] != ord("\n"):
                return None
            tally = _Tally(worth_pattern(size))
            at = 0
            while at < size:
                end = view.rfind(b"\n", at, min(at + CHUNK, size)) + 1
                if end <= at:  # one line longer than a slice
                    end = view.find(b"\n", at) + 1
                if not tally.feed(view[at:end]):
                    return None
                at = end
    return tally.result(path)


class _Tally:
    """The checks of `scan_log` over consecutive slices of whole lines, and what they found."""

    def __init__(self, use_pattern: bool) -> None:
        self.use_pattern = use_pattern
        self.count = 0
        self.offset = 0
        self.last_hash = _GENESIS
        self.types: Counter[bytes] = Counter()
        self.first: Record | None = None
        self.last: Record | None = None
        self.start: Record | None = None
        self.end: Record | None = None

    def feed(self, chunk: bytes) -> bool:
        """Check these lines (each with its newline); False at the first doubt."""
        if first_unusable_line(chunk, self.use_pattern) is not None:
            return False
        lines = chunk.split(b"\n")
        lines.pop()
        prevs = list(map(_PREV, lines))
        claims = list(map(_HASH, lines))
        if prevs[0] != self.last_hash or prevs[1:] != claims[:-1]:
            return False
        sha256, close = hashlib.sha256, b"}"
        p0, p1, cut = _P0, _P1, -TAIL_LENGTH  # locals: the loop below is the hot one
        digests = [sha256(line[p0:p1] + line[:cut] + close).digest() for line in lines]
        if binascii.hexlify(b"".join(digests)) != b"".join(claims):
            return False
        seqs = range(self.count + 1, self.count + len(lines) + 1)
        heads = ('{"seq":' + ',\n{"seq":'.join(map(str, seqs)) + ",").encode().split(b"\n")
        if not all(map(bytes.startswith, lines, heads)):
            return False
        types = [
            line[at : line.index(b'"', at)]
            for line, at in zip(lines, [len(head) + _TS_TO_TYPE for head in heads], strict=True)
        ]
        self.types.update(types)
        if self.first is None:
            self.first = self._record(lines, types, 0)
        if self.start is None and b"session.start" in types:
            self.start = self._record(lines, types, types.index(b"session.start"))
        if b"session.end" in types:
            index = len(types) - 1 - types[::-1].index(b"session.end")
            self.end = self._record(lines, types, index)
        self.last = self._record(lines, types, len(lines) - 1)
        self.count += len(lines)
        self.offset += len(chunk)
        self.last_hash = claims[-1]
        return True

    def _record(self, lines: list[bytes], types: list[bytes], index: int) -> Record:
        line = lines[index]
        ts_at = line.index(b'"ts":"') + 6
        return Record(
            self.count + index + 1,
            line[ts_at : ts_at + 27].decode(),
            types[index].decode(),
            _PREV(line).decode(),
            _HASH(line).decode(),
            self.count + index + 1,
            self.offset + sum(map(len, lines[: index + 1])) + index + 1,
            raw=line,
        )

    def result(self, path: Path) -> LogScan:
        assert self.first is not None and self.last is not None
        return LogScan(
            path,
            self.count,
            self.last_hash.decode(),
            self.first,
            self.last,
            self.start,
            self.end,
            Counter({kind.decode(): n for kind, n in self.types.items()}),
        )


def worth_pattern(size: int) -> bool:
    """Whether a log of `size` bytes is checked with the compiled pattern."""
    return size >= PATTERN_FROM


def first_unusable_line(data: bytes, use_pattern: bool = True) -> int | None:
    """The number of the first complete line of `data` that is not a usable record, or None.

    Usable: `record.HEAD`, the fixed `prev` and `hash` tail, and JSON `parse_record` accepts.
    One RE2 match runs over every line of the writer's own form at once; a line it stops at
    (nested deeper than `MAX_DEPTH`, or not of that form at all) is parsed on its own, and the
    match carries on after it. Without `use_pattern` every line is parsed (for a small log,
    cheaper than compiling the pattern).
    """
    pattern = _log_pattern() if use_pattern else None
    at, size = 0, len(data)
    while True:
        matched = pattern.match(data, at) if pattern is not None else None
        at = matched.end() if matched is not None else at
        stop = data.find(b"\n", at)
        if stop < 0:
            return None  # the end, or a torn final line (the careful reader's business)
        line = data[at:stop]
        body = split_line(line)
        if (
            HEAD.match(line) is None
            or body is None
            or declared_prev(body[0]) is None
            or parse_record(line) is None
        ):
            return data.count(b"\n", 0, at) + 1
        at = stop + 1
        if at == size:
            return None
