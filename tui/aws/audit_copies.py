"""The copies of a session's log off the box, in AWS: a CloudWatch Logs stream (every record as
it is written) and an S3 object (each checkpoint and the finished log, one version each, under
Object Lock in compliance mode where the bucket has it). Read back for `verify --remote`.

These only ship and fetch, and raise when AWS says no: they never write the audit log (the
shipper in tui/audit/shipping.py records what failed), and their clients report no calls to the
session's recorder (a shipped record must not make more records to ship).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from tui.aws.clients import ClientFactory
from tui.clock import Clock

# Quick to give up: a copy is retried by the shipper, and the end of a session waits for it.
SHIP_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
)
# CloudWatch Logs: an event is at most 256 KiB with its 26 bytes of overhead; a batch 1 MiB.
EVENT_LIMIT = 262_144 - 26
BATCH_BYTES = 1_048_576
_SEQ = re.compile(rb'^\{"seq":(\d+),')
_TS = re.compile(rb'"ts":"([^"]+)"')


def copy_clients(clients: ClientFactory) -> ClientFactory:
    """The session's AWS (same region, profile, endpoint, credentials), without its recorder."""
    return dataclasses.replace(clients, recorder=None, config=SHIP_CONFIG)


def seq_of(message: str | bytes) -> int:
    """The seq of a shipped record (a log line, or an oversize record's stand-in); 0 if none."""
    found = _SEQ.match(message.encode() if isinstance(message, str) else message)
    return int(found.group(1)) if found else 0


def stand_in(seq: int, line: bytes) -> bytes:
    """What is shipped for a line over CloudWatch's event limit: its seq, size and SHA-256 (the
    S3 copy has the line itself)."""
    digest = hashlib.sha256(line).hexdigest()
    return json.dumps(
        {"seq": seq, "oversize": True, "bytes": len(line), "sha256": digest}, separators=(",", ":")
    ).encode()


class CloudWatchLogsStream:
    """Every record, in order, to the stream named after the session (a `StreamSink`)."""

    def __init__(self, clients: ClientFactory, group: str, stream: str) -> None:
        self.client = clients.client("logs")
        self.group, self.stream = group, stream
        self.where = f"CloudWatch Logs {group}/{stream}"
        self._last_ms = 0

    def start(self) -> int:
        try:
            self.client.create_log_stream(logGroupName=self.group, logStreamName=self.stream)
        except ClientError as exc:
            if _code(exc) != "ResourceAlreadyExistsException":
                raise
        last = self.client.get_log_events(
            logGroupName=self.group, logStreamName=self.stream, startFromHead=False, limit=1
        )["events"]
        return seq_of(last[-1]["message"]) if last else 0

    def put(self, lines: list[tuple[int, bytes]]) -> None:
        batch: list[dict[str, Any]] = []
        size = 0
        for seq, line in lines:
            message = line if len(line) <= EVENT_LIMIT else stand_in(seq, line)
            if batch and size + len(message) + 26 > BATCH_BYTES:
                self._send(batch)
                batch, size = [], 0
            batch.append({"timestamp": self._timestamp(line), "message": message.decode()})
            size += len(message) + 26
        if batch:
            self._send(batch)

    def _timestamp(self, line: bytes) -> int:
        """The record's own time (the session clock's: the world's in a rehearsal, as moto's),
        never earlier than the last one sent (a batch must be in order)."""
        found = _TS.search(line)
        ms = self._last_ms
        if found:
            moment = datetime.strptime(found.group(1).decode(), "%Y-%m-%dT%H:%M:%S.%fZ")
            ms = int(moment.replace(tzinfo=UTC).timestamp() * 1000)
        self._last_ms = max(self._last_ms, ms)
        return self._last_ms

    def _send(self, batch: list[dict[str, Any]]) -> None:
        answer = self.client.put_log_events(
            logGroupName=self.group, logStreamName=self.stream, logEvents=batch
        )
        rejected = answer.get("rejectedLogEventsInfo")
        if rejected:
            raise RuntimeError(f"{self.where}: CloudWatch Logs rejected events: {rejected}")

    def fetch(self) -> list[str]:
        """Every message in the stream, oldest first (for `verify --remote`)."""
        messages: list[str] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {"nextToken": token} if token else {}
            try:
                page = self.client.get_log_events(
                    logGroupName=self.group, logStreamName=self.stream, startFromHead=True, **kwargs
                )
            except ClientError as exc:
                if _code(exc) == "ResourceNotFoundException":
                    return messages  # no such stream (or group): the copy holds nothing
                raise
            messages += [e["message"] for e in page["events"]]
            if not page["events"] or page.get("nextForwardToken") in (None, token):
                return messages
            token = page["nextForwardToken"]


@dataclass(frozen=True)
class ShippedVersion:
    """One version of the S3 copy: its bytes and how it is locked."""

    version_id: str
    latest: bool
    modified: datetime
    content: bytes
    lock_mode: str | None
    retain_until: datetime | None


class S3LockedCopy:
    """The log at each checkpoint and at the end, one object version each (a `SnapshotSink`)."""

    def __init__(
        self, clients: ClientFactory, bucket: str, key: str, retention_days: int, clock: Clock
    ) -> None:
        self.client = clients.client("s3")
        self.bucket, self.key, self.days, self.clock = bucket, key, retention_days, clock
        self.where = f"S3 s3://{bucket}/{key}"
        self.locked = False

    def start(self) -> int:
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket)
            self.locked = config["ObjectLockConfiguration"].get("ObjectLockEnabled") == "Enabled"
        except ClientError as exc:
            if _code(exc) != "ObjectLockConfigurationNotFoundError":
                raise
            self.locked = False
        return 0

    def put_log(self, content: bytes, final: bool) -> str:
        lock: dict[str, Any] = {}
        until = self.clock.now() + timedelta(days=self.days)
        if self.locked:
            lock = {"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": until}
        answer = self.client.put_object(
            Bucket=self.bucket,
            Key=self.key,
            Body=content,
            ContentType="application/x-ndjson",
            ChecksumAlgorithm="SHA256",
            Metadata={"turnout-records": str(content.count(b"\n")), "turnout-final": str(final)},
            **lock,
        )
        what = "the finished log" if final else "a checkpoint"
        kept = (
            f"Object Lock compliance until {until:%Y-%m-%d}"
            if self.locked
            else "the bucket has no Object Lock: the copy can be overwritten or deleted"
        )
        return f"{what}, version {answer.get('VersionId', '?')}, {kept}"

    def fetch(self) -> list[ShippedVersion]:
        """Every version of the copy, oldest first (for `verify --remote`)."""
        found: list[dict[str, Any]] = []
        for page in self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=self.key
        ):
            found += [v for v in page.get("Versions", []) if v["Key"] == self.key]
        versions = []
        for v in reversed(found):  # S3 lists a key's versions newest first
            got = self.client.get_object(Bucket=self.bucket, Key=self.key, VersionId=v["VersionId"])
            versions.append(
                ShippedVersion(
                    v["VersionId"],
                    bool(v.get("IsLatest")),
                    v["LastModified"],
                    got["Body"].read(),
                    got.get("ObjectLockMode"),
                    got.get("ObjectLockRetainUntilDate"),
                )
            )
        return versions


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
