"""`turnout audit verify SESSION` and `turnout audit report SESSION`: the auditor's two commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.commands.audit_remote import add_remote_flags, compare_remote
from tui.errors import InputError
from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout audit verify` and `turnout audit report`."""
    audit = subparsers.add_parser(
        "audit",
        help="verify a session's audit log, or write its report",
        description="Check a session's tamper-evident log, or turn it into a readable report.",
    )
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND")
    audit.set_defaults(handler=lambda _args: _usage(audit))

    verify = commands.add_parser(
        "verify",
        help="check the hash chain; print a summary, or the first bad line and why",
        description=(
            "Check every record of a session log against the hash chain. Exit 0 and print a "
            "summary when the log is intact; exit 2 naming the first bad line and why when not."
        ),
    )
    verify.add_argument("session", metavar="SESSION", help="a session directory or its audit.jsonl")
    verify.add_argument(
        "--json",
        action="store_true",
        help="print the verdict as JSON on standard output, intact or not "
        "(turnout.audit.verify: docs/machine-output.md); the exit code is the same",
    )
    verify.add_argument(
        "--expect",
        metavar="HASH",
        help="the hash the session ended with (`audit: … ends at sha256:HASH`, kept in the "
        "change ticket): exit 2 unless the log ends exactly there (records cut off the end, "
        "added, or the log rewritten)",
    )
    verify.add_argument(
        "--remote",
        action="store_true",
        help="compare the log with the copy shipped to CloudWatch Logs and S3 (the runbook's "
        "`audit:`): exit 2 on truncation, a rewrite or missing records",
    )
    add_remote_flags(verify)
    verify.set_defaults(handler=run_verify)

    report = commands.add_parser(
        "report",
        help="write a Markdown or self-contained HTML report of a session",
        description=(
            "Write the session's record for a change ticket or a post-mortem: timeline, every "
            "confirmation with its evidence, every AWS mutation, guardrail values around each "
            "decision, rollback, outcome, total time and time spent waiting for people. The "
            "log is verified first; a log that does not verify is refused (exit 2)."
        ),
    )
    report.add_argument("session", metavar="SESSION", help="a session directory or its audit.jsonl")
    report.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="md (default) or html; inferred from -o's extension if not given",
    )
    report.add_argument(
        "-o", "--output", metavar="FILE", help="write the report here instead of to standard output"
    )
    report.set_defaults(handler=run_report)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return ExitCode.INVALID_INPUT


def run_verify(args: argparse.Namespace) -> int:
    """Print the verdict; 0 when intact (and, with --expect, ending at HASH; with --remote,
    the same as its shipped copy), 2 when not."""
    from tui.audit.anchor import check_expected, parse_expected
    from tui.audit.verify import verify

    expected = parse_expected(args.expect) if args.expect else None
    verdict = verify(args.session)
    as_json = getattr(args, "json", False)
    texts, checks, ok = [verdict.text], {}, verdict.ok
    if verdict.ok and expected is not None:
        check = check_expected(verdict.reading, expected)
        texts.append(check.text)
        checks["expect"] = {"ok": check.ok, "text": check.text}
        ok = ok and check.ok
    if verdict.ok and args.remote:
        remote_ok, remote_text = compare_remote(verdict.reading, args)
        texts.append(remote_text)
        checks["remote"] = {"ok": remote_ok, "text": remote_text}
        ok = ok and remote_ok
    if as_json:
        import json

        from tui.audit.verify_document import verify_document

        document = {**verify_document(verdict), **checks}
        if checks:
            document["ok"] = ok  # intact, and ending where expected, and as shipped
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(texts), file=sys.stdout if ok else sys.stderr)
    return ExitCode.COMPLETED if ok else ExitCode.INVALID_INPUT


def run_report(args: argparse.Namespace) -> int:
    """Render the report to stdout or a file."""
    from tui.audit.report import render

    fmt = args.format
    if fmt is None:
        fmt = (
            "html"
            if args.output and Path(args.output).suffix.lower() in (".html", ".htm")
            else "md"
        )
    text = render(args.session, fmt)
    if not args.output:
        sys.stdout.write(text)
        return ExitCode.COMPLETED
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write the report: {exc.strerror}") from exc
    print(f"wrote {args.output} ({fmt}, {len(text.encode())} bytes)", file=sys.stderr)
    return ExitCode.COMPLETED
