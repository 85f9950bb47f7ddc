"""`turnout audit verify SESSION --remote`: the local log against the copies shipped off the box.

Where the copies are comes from the log's `session.start` (`audit_copies`, from the runbook's
`audit:`) unless named here: a forger who rewrote the log could have rewritten that too, so an
auditor names them from the runbook under change control (`--group`, `--bucket`), and a
`session.start` that names other copies, or none, is reported.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the audit package is imported when a verify runs, not at start-up
    from tui.audit.chain import LogReading


def add_remote_flags(parser: argparse.ArgumentParser) -> None:
    """Where the shipped copies are, and which AWS holds them, when not as the log says."""
    where = parser.add_argument_group("the shipped copies (with --remote)")
    where.add_argument("--group", metavar="G", help="the CloudWatch Logs log group")
    where.add_argument("--stream", metavar="S", help="its stream (default: the session's name)")
    where.add_argument("--bucket", metavar="B", help="the S3 bucket")
    where.add_argument("--key", metavar="K", help="the object key (default: as the log says)")
    where.add_argument("--region", metavar="R", help="AWS region (default: the session's)")
    where.add_argument("--profile", metavar="P", help="AWS profile to read the copies with")
    where.add_argument(
        "--endpoint-url", metavar="URL", help="AWS endpoint (default: the session's, if any)"
    )


def check_copies(session_dir: Any) -> tuple[bool, str]:
    """`verify --remote` of a session just ended, where its log says the copies are (a
    rehearsal runs it before its world, which holds them, stops)."""
    from tui.audit.chain import read_log

    reading = read_log(session_dir)
    if reading.problem is not None:
        return False, f"{reading.path}: does not verify ({reading.problem.reason})"
    names = ("group", "stream", "bucket", "key", "region", "profile", "endpoint_url")
    return compare_remote(reading, argparse.Namespace(**dict.fromkeys(names)))


def compare_remote(reading: LogReading, args: argparse.Namespace) -> tuple[bool, str]:
    """(ok, what was found) comparing `reading` with its shipped copies."""
    from tui.audit.events import Event
    from tui.audit.remote import compare_stream, compare_versions

    start = next((r.payload for r in reading.records if r.type == Event.SESSION_START), {})
    recorded = start.get("audit_copies") or {}
    cw, s3 = _targets(recorded, args, reading.path.parent.name)
    lines = [f"{reading.path}: compared with the copies shipped off the box"]
    if cw is None and s3 is None:
        lines.append(
            "  no copies to compare with: the log's session.start names none (its runbook has "
            "no `audit:`); name them with --group / --bucket"
        )
        return False, "\n".join(lines)
    notes = _recorded_differs(recorded, cw, s3)
    lines += [f"  {n}" for n in notes]
    clients = _clients(start, args)
    content = reading.path.read_bytes()[: reading.good_bytes]
    local = content.splitlines()
    summaries: list[str] = []
    findings: list[Any] = []
    try:
        if cw is not None:
            summary, found = compare_stream(_cw_where(cw), local, _stream(clients, cw).fetch())
            summaries.append(summary)
            findings += found
        if s3 is not None:
            summary, found = compare_versions(_s3_where(s3), content, _versions(clients, s3))
            summaries.append(summary)
            findings += found
    except Exception as exc:  # unreachable AWS, no such group or bucket, access denied
        lines.append(f"  could not read the copies: {type(exc).__name__}: {exc}")
        if start.get("mode") == "rehearsal" and "Connect" in type(exc).__name__:
            lines.append("  (a rehearsal's world ends with it: compare while it still runs)")
        return False, "\n".join(lines)
    lines += [f"  copy: {s}" for s in summaries]
    if findings:
        lines[0] = f"{reading.path}: DOES NOT MATCH ITS SHIPPED COPIES"
        lines += [f"  {f.text}" for f in findings]
    else:
        lines.append("  every copy matches the log: nothing cut, rewritten or missing")
    return not findings and not notes, "\n".join(lines)


def _targets(
    recorded: dict[str, Any], args: argparse.Namespace, session_id: str
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    rec_cw, rec_s3 = recorded.get("cloudwatch_logs") or {}, recorded.get("s3") or {}
    cw = s3 = None
    group = args.group or rec_cw.get("group")
    if group:
        stream = args.stream or (rec_cw.get("stream") if not args.group else None) or session_id
        cw = {"group": group, "stream": stream}
    bucket = args.bucket or rec_s3.get("bucket")
    if bucket:
        from tui.runbook.audit_copies import S3Copy

        key = args.key or (rec_s3.get("key") if not args.bucket else None)
        s3 = {"bucket": bucket, "key": key or S3Copy(bucket).key(session_id)}
    return cw, s3


def _recorded_differs(
    recorded: dict[str, Any], cw: dict[str, str] | None, s3: dict[str, str] | None
) -> list[str]:
    """What the log says against what was named: a difference is itself a finding."""
    notes = []
    rec_cw, rec_s3 = recorded.get("cloudwatch_logs"), recorded.get("s3")
    if cw and rec_cw != cw and rec_cw is not None:
        notes.append(f"the log's session.start names another stream: {_cw_where(rec_cw)}")
    if cw and rec_cw is None:
        notes.append("the log's session.start names no CloudWatch Logs copy")
    if (
        s3
        and rec_s3 is not None
        and (rec_s3.get("bucket"), rec_s3.get("key"))
        != (
            s3["bucket"],
            s3["key"],
        )
    ):
        notes.append(f"the log's session.start names another object: {_s3_where(rec_s3)}")
    if s3 and rec_s3 is None:
        notes.append("the log's session.start names no S3 copy")
    return notes


def _clients(start: dict[str, Any], args: argparse.Namespace) -> Any:
    """Clients for the AWS that holds the copies: the flags, else the session's own."""
    from tui.aws.audit_copies import copy_clients
    from tui.aws.clients import ClientFactory

    aws = start.get("aws") or {}
    via = aws.get("via") or {}
    endpoint = args.endpoint_url or aws.get("endpoint") or via.get("endpoint")
    credentials = None
    if start.get("mode") == "rehearsal" and not args.profile:
        from tui.rehearsal.server import FAKE_CREDENTIALS

        credentials = FAKE_CREDENTIALS  # the world takes any key; the session used this one
    return copy_clients(
        ClientFactory(
            region=args.region or aws.get("region"),
            profile=args.profile,
            endpoint_url=endpoint,
            credentials=credentials,
        )
    )


def _stream(clients: Any, cw: dict[str, str]) -> Any:
    from tui.aws.audit_copies import CloudWatchLogsStream

    return CloudWatchLogsStream(clients, cw["group"], cw["stream"])


def _versions(clients: Any, s3: dict[str, str]) -> list[Any]:
    from tui.audit.remote import Version
    from tui.aws.audit_copies import S3LockedCopy
    from tui.clock import SystemClock

    copy = S3LockedCopy(clients, s3["bucket"], s3["key"], 1, SystemClock())
    return [
        Version(v.version_id, v.latest, v.content, v.lock_mode, v.retain_until)
        for v in copy.fetch()
    ]


def _cw_where(cw: dict[str, str]) -> str:
    return f"CloudWatch Logs {cw.get('group')}/{cw.get('stream')}"


def _s3_where(s3: dict[str, str]) -> str:
    return f"S3 s3://{s3.get('bucket')}/{s3.get('key')}"
