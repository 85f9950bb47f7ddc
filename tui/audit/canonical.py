"""The byte layout of one log record and its hash: the single definition writer and verifier share.

A record is one line of UTF-8 JSON with its fields in this fixed order:

    {"seq":N,"ts":"…Z","type":"…","actor":"…","payload":{…},"prev":"<64 hex>","hash":"<64 hex>"}

The *body* is the line without its `,"hash":"…"` member (and without the newline); the record's
hash is `sha256(prev + body)` in lower-case hex, where `prev` is the previous record's hash (64
zeros for the first record). Payload keys are sorted and separators are compact, so one record
has exactly one byte form. Because the hash member is always last and always 64 hex digits, the
verifier slices it off rather than re-serialising every record, which keeps verification near the
speed of SHA-256 itself.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

GENESIS = "0" * 64
"""The `prev` of the first record of every log."""

HASH_MEMBER_PREFIX = b',"hash":"'
# `,"hash":"` + 64 hex + `"}`: the fixed-width tail of every intact line (before its newline).
TAIL_LENGTH = len(HASH_MEMBER_PREFIX) + 64 + 2


def format_ts(moment: datetime) -> str:
    """A timezone-aware moment as the log writes it: UTC, microseconds, `Z` suffix."""
    if moment.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    """The inverse of `format_ts`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def to_jsonable(value: Any) -> Any:
    """`value` as plain JSON data, so anything boto3 or the engine hands us can be logged.

    Bytes are not logged (they may be secrets or large blobs): only their length and SHA-256, so
    an auditor can still match them. Non-finite floats become the strings "NaN", "Infinity" and
    "-Infinity", because strict JSON has no spelling for them and a metric with no data is
    evidence worth keeping.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(item) for item in value), key=repr)
    if isinstance(value, datetime):
        return format_ts(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return f"<{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}>"
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, Decimal):
        return to_jsonable(float(value))
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    return repr(value)


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, compact, UTF-8 kept as is, strict (no NaN)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def encode_body(
    seq: int, ts: str, type_: str, actor: str, payload: Mapping[str, Any], prev: str
) -> bytes:
    """The hashed part of a record, in the fixed field order of the module docstring."""
    return (
        f'{{"seq":{seq},"ts":{dumps(ts)},"type":{dumps(type_)},"actor":{dumps(actor)},'
        f'"payload":{dumps(to_jsonable(payload))},"prev":"{prev}"}}'
    ).encode()


def record_hash(prev: str, body: bytes) -> str:
    """The chain rule: SHA-256 over the previous record's hash followed by this record's body."""
    digest = hashlib.sha256(prev.encode("ascii"))
    digest.update(body)
    return digest.hexdigest()


def encode_line(
    seq: int, ts: str, type_: str, actor: str, payload: Mapping[str, Any], prev: str
) -> tuple[bytes, str]:
    """One complete log line (with its newline) and its hash."""
    body = encode_body(seq, ts, type_, actor, payload, prev)
    digest = record_hash(prev, body)
    return body[:-1] + HASH_MEMBER_PREFIX + digest.encode("ascii") + b'"}\n', digest


def split_line(line: bytes) -> tuple[bytes, str] | None:
    """The body and the claimed hash of a line (given without its newline), or None if it lacks
    the fixed tail."""
    if len(line) <= TAIL_LENGTH or not line.endswith(b'"}'):
        return None
    tail_start = len(line) - TAIL_LENGTH
    if line[tail_start : tail_start + len(HASH_MEMBER_PREFIX)] != HASH_MEMBER_PREFIX:
        return None
    claimed = line[tail_start + len(HASH_MEMBER_PREFIX) : -2]
    try:
        claimed_text = claimed.decode("ascii")
    except UnicodeDecodeError:
        return None
    return line[:tail_start] + b"}", claimed_text


def declared_prev(body: bytes) -> str | None:
    """The `prev` a body declares (its last member, fixed width), or None if it has none."""
    if not body.endswith(b'"}') or body[-75:-66] != b',"prev":"':
        return None
    try:
        return body[-66:-2].decode("ascii")
    except UnicodeDecodeError:
        return None


def short(digest: str) -> str:
    """A hash abbreviated for people (the full one is in the log)."""
    return digest[:12]


def b64(data: bytes) -> str:
    """Base64 text of raw bytes, for quoting damaged bytes in a repair record."""
    return base64.b64encode(data).decode("ascii")
