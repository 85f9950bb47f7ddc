"""The glue that ships a session's log off the box (the runbook's `audit:`): the copies made
on the session's AWS (tui/aws/audit_copies.py), the shipper that feeds them from the writer
(tui/audit/shipping.py), and the lines a session ends with saying what reached each copy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tui.audit.session_log import SessionLog
    from tui.audit.shipping import Shipper, ShipResult
    from tui.clock import Clock
    from tui.runbook.model import Runbook


def start_shipping(
    runbook: Runbook, cloud: Any, log: SessionLog, clock: Clock, session_dir: Path
) -> Shipper | None:
    """Start shipping `log` to the copies `runbook.audit` names; None when it names none (or
    the Cloud is not AWS's: the engine's tests run on a fake one)."""
    copies = runbook.audit
    clients = getattr(getattr(cloud, "ctx", None), "clients", None)
    if not copies or clients is None:
        return None
    from tui.audit.events import Event
    from tui.audit.shipping import Shipper
    from tui.aws.audit_copies import CloudWatchLogsStream, S3LockedCopy, copy_clients

    made = copy_clients(clients)
    session_id = session_dir.name
    streams: list[Any] = []
    snapshots: list[Any] = []
    if copies.cloudwatch_logs is not None:
        streams.append(CloudWatchLogsStream(made, copies.cloudwatch_logs.group, session_id))
    if copies.s3 is not None:
        s3 = copies.s3
        snapshots.append(
            S3LockedCopy(made, s3.bucket, s3.key(session_id), s3.retention_days, clock)
        )
    writer = log.writer
    shipper = Shipper(
        writer.path,
        streams,
        snapshots,
        lambda kind, payload: writer.append_before_end(Event(kind), payload),
    )
    shipper.start(writer.subscribe(shipper.offer))
    return shipper


def finish_shipping(shipper: Shipper | None, last_seq: int, out: TextIO | None = None) -> None:
    """Drain the copies and say what reached each (a copy that did not get the whole log is
    named as such: it is not fatal, and `verify --remote` will find what it lacks)."""
    if shipper is None:
        return
    for result in shipper.close():
        print(shipped_line(result, last_seq), file=out or sys.stderr, flush=True)


def shipped_line(result: ShipResult, last_seq: int) -> str:
    """`audit copy: WHERE: all N records[, detail]` or what it lacks and why."""
    if result.shipped_seq >= last_seq and not result.dropped:
        detail = f" ({result.detail})" if result.detail else ""
        return f"audit copy: {result.where}: all {last_seq} records{detail}"
    lacks = f"records {result.shipped_seq + 1}-{last_seq}" if result.shipped_seq < last_seq else ""
    dropped = f"{result.dropped} records dropped (queue full)" if result.dropped else ""
    error = f"; last error: {result.last_error}" if result.last_error else ""
    what = ", ".join(x for x in (lacks, dropped) if x)
    return f"audit copy: {result.where}: INCOMPLETE: lacks {what}{error}"
