"""The runbook's `audit:` key: where copies of the session's log are shipped as it is written.

```yaml
audit:
  cloudwatch_logs: {group: turnout-audit}          # every record, as it is written
  s3: {bucket: turnout-audit, retention_days: 365}  # each checkpoint and the finished log
```

A copy off the box is what proves, later, that nothing was cut off the log's end and that it
was not rewritten whole (docs/audit.md, "Anchoring the log off the box").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.runbook.fields import Fields
from tui.runbook.problems import Problems
from tui.runbook.values import INVALID, ValueType

AUDIT_KEYS = ("cloudwatch_logs", "s3")
# CloudWatch Logs: 1-512 of [.-_/#A-Za-z0-9]; S3: 3-63 lowercase letters, digits, dots, hyphens.
LOG_GROUP = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
DEFAULT_PREFIX = "turnout/"
DEFAULT_RETENTION_DAYS = 365


@dataclass(frozen=True)
class CloudWatchCopy:
    """Every record, streamed to the log stream named after the session in `group`."""

    group: str


@dataclass(frozen=True)
class S3Copy:
    """Each checkpoint and the finished log, put to `bucket` at `prefix<session>/audit.jsonl`;
    kept under Object Lock (compliance mode) for `retention_days` where the bucket has it."""

    bucket: str
    prefix: str = DEFAULT_PREFIX
    retention_days: int = DEFAULT_RETENTION_DAYS

    def key(self, session_id: str) -> str:
        """The object key of a session's log."""
        return f"{self.prefix}{session_id}/audit.jsonl"


@dataclass(frozen=True)
class AuditCopies:
    """Where the log is shipped; neither means it stays on this machine only."""

    cloudwatch_logs: CloudWatchCopy | None = None
    s3: S3Copy | None = None

    def __bool__(self) -> bool:
        return self.cloudwatch_logs is not None or self.s3 is not None

    def described(self, session_id: str) -> dict[str, Any]:
        """As `session.start` records it: the stream and the key too, so `--remote` finds them."""
        out: dict[str, Any] = {}
        if self.cloudwatch_logs is not None:
            out["cloudwatch_logs"] = {"group": self.cloudwatch_logs.group, "stream": session_id}
        if self.s3 is not None:
            out["s3"] = {
                "bucket": self.s3.bucket,
                "key": self.s3.key(session_id),
                "retention_days": self.s3.retention_days,
            }
        return out


NO_COPIES = AuditCopies()


def read_audit(top: Fields, problems: Problems) -> AuditCopies:
    """The `audit:` mapping, every problem recorded (an empty `AuditCopies` when absent)."""
    node = top.get_node("audit")
    if node is None:
        return AuditCopies()
    fields = Fields(node, "audit", problems, AUDIT_KEYS)
    cloudwatch = s3 = None
    if fields.get_node("cloudwatch_logs") is not None:
        cw_node = fields.get_node("cloudwatch_logs")
        cw = Fields(cw_node, "audit.cloudwatch_logs", problems, ("group",), required=("group",))
        group = _named(
            cw, "group", LOG_GROUP, "a log group name is 1-512 of letters, digits, . - _ / #"
        )
        cloudwatch = CloudWatchCopy(group) if isinstance(group, str) else None
    if fields.get_node("s3") is not None:
        keys = ("bucket", "prefix", "retention_days")
        s3f = Fields(fields.get_node("s3"), "audit.s3", problems, keys, required=("bucket",))
        bucket = _named(s3f, "bucket", BUCKET, "a bucket name is 3-63 of a-z 0-9 . -")
        prefix = s3f.get("prefix", ValueType.STRING, DEFAULT_PREFIX)
        days = s3f.get("retention_days", ValueType.INTEGER, DEFAULT_RETENTION_DAYS)
        if isinstance(days, int) and not 1 <= days <= 36500:
            side = "below the minimum, 1" if days < 1 else "above the maximum, 36500"
            problems.add(
                s3f.value_location("retention_days"),
                f"audit.s3.retention_days: {days} is {side} (days an object is locked)",
            )
            days = INVALID
        if isinstance(prefix, str) and prefix and not prefix.endswith("/"):
            prefix += "/"
        if isinstance(bucket, str) and isinstance(prefix, str) and isinstance(days, int):
            s3 = S3Copy(bucket, prefix, days)
    return AuditCopies(cloudwatch, s3)


def _named(fields: Fields, key: str, pattern: re.Pattern[str], what: str) -> Any:
    value = fields.get(key, ValueType.STRING)
    if isinstance(value, str) and not pattern.match(value):
        fields.problems.add(
            fields.value_location(key), f'{fields.label(key)}: "{value}" is not allowed: {what}'
        )
        return INVALID
    return value


def _or_sub(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"$ref": "#/$defs/substitution"}]}


AUDIT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Where copies of the session's audit log are shipped (docs/audit.md).",
    "additionalProperties": False,
    "properties": {
        "cloudwatch_logs": {
            "type": "object",
            "additionalProperties": False,
            "required": ["group"],
            "properties": {"group": _or_sub({"type": "string", "pattern": LOG_GROUP.pattern})},
        },
        "s3": {
            "type": "object",
            "additionalProperties": False,
            "required": ["bucket"],
            "properties": {
                "bucket": _or_sub({"type": "string", "pattern": BUCKET.pattern}),
                "prefix": {"type": "string"},
                "retention_days": _or_sub({"type": "integer", "minimum": 1, "maximum": 36500}),
            },
        },
    },
}
