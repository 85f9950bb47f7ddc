"""`turnout audit verify SESSION` and `turnout audit report SESSION`: the auditor's two commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    """Print the verdict; 0 when intact, 2 when not."""
    from tui.audit.verify import verify

    verdict = verify(args.session)
    if getattr(args, "json", False):
        import json

        from tui.audit.verify_document import verify_document

        print(json.dumps(verify_document(verdict), indent=2, ensure_ascii=False))
        return ExitCode.COMPLETED if verdict.ok else ExitCode.INVALID_INPUT
    print(verdict.text, file=sys.stdout if verdict.ok else sys.stderr)
    return ExitCode.COMPLETED if verdict.ok else ExitCode.INVALID_INPUT


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
