"""`turnout approve SESSION [--step ID] [--yes | --deny --reason R]`: a second person approves
(or refuses) what a running session waits for, from their own terminal.

It reads the session's log without writing it (the session alone writes its log:
tui/audit/approval_inbox.py), shows the waiting request as the operator saw it (the same text
and evidence), learns who the approver is from their own credentials (STS GetCallerIdentity,
tui/aws/approver.py) and OS user, refuses the operator approving themselves before anything is
delivered, asks for confirmation (or takes `--yes` / `--deny --reason R`), delivers the
decision, then waits for the session to chain it and says what it recorded.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tui.errors import InputError
from tui.exitcodes import ExitCode

CONFIRM_WAIT_S = 60.0
"""Real seconds to wait for the session to record a delivered decision."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout approve`."""
    parser = subparsers.add_parser(
        "approve",
        help="approve (or deny) what a running session waits for, from a second terminal",
        description=(
            "Show what a running session waits for approval of (the same text and evidence the "
            "operator saw), then approve or deny it as yourself: your identity comes from your "
            "own AWS credentials (STS GetCallerIdentity) and OS user, and must not be the "
            "operator's. The session records your decision in its audit log."
        ),
    )
    parser.add_argument("session", metavar="SESSION", help="the session directory")
    parser.add_argument("--step", metavar="ID", help="the step whose request to answer")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--yes", action="store_true", help="approve without asking")
    what.add_argument("--deny", action="store_true", help="deny (needs --reason)")
    parser.add_argument("--reason", metavar="TEXT", default="", help="why (required with --deny)")
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=0.0,
        help="wait this long for a request to appear (default: answer only one waiting now)",
    )
    parser.add_argument("--profile", metavar="NAME", help="your AWS profile")
    parser.set_defaults(handler=run_approve)


def run_approve(args: argparse.Namespace) -> int:
    """Find the request, identify the approver, confirm, deliver, report."""
    from tui.audit.approval_inbox import APPROVE, DENY, deliver
    from tui.audit.chain import read_log

    if args.deny and not args.reason.strip():
        raise InputError("--deny needs --reason: the session records why it was refused")
    session = Path(args.session)
    request = _request(session, args.step, args.wait)
    _running(session)
    start = next((r.payload for r in read_log(session).records if r.type == "session.start"), {})
    approver = _who(start, args.profile)
    _refuse(approver, request)
    print(_shown(request), file=sys.stdout)
    decision = DENY if args.deny else APPROVE if args.yes else _ask()
    reason = args.reason.strip()
    if decision == DENY and not reason:
        reason = _typed("Why do you deny it? ")
        if not reason:
            raise InputError("a denial needs a reason: nothing was delivered")
    path = deliver(session, request, decision, reason, approver)
    print(f"delivered {decision} to {path}", file=sys.stderr)
    return _recorded(session, path.name)


def _request(session: Path, step: str | None, wait: float) -> Any:
    from tui.audit.approval_inbox import waiting_requests
    from tui.audit.errors import SessionDirError

    until = time.monotonic() + max(0.0, wait)
    pause = threading.Event()
    while True:
        try:
            waiting = waiting_requests(session)
        except SessionDirError:
            if time.monotonic() >= until:
                raise
            waiting = []  # the session is still starting: its log is not there yet
        found = [r for r in waiting if step is None or r.step == step]
        if found and len({r.step for r in found}) == 1:
            # Two for one step: an override asked while the step's own approval waited; the
            # session reads the latest's decisions now, the earlier one's after.
            return found[-1]
        if len(found) > 1:
            steps = ", ".join(str(r.step) for r in found)
            raise InputError(f"{session}: several requests wait ({steps}): name one with --step")
        if time.monotonic() >= until:
            for_step = f" for step {step}" if step else ""
            raise InputError(
                f"{session}: nothing waits for approval{for_step} now. The session asks when "
                "its operator confirms a step that needs approval; --wait SECONDS waits for it."
            )
        pause.wait(0.1)


def _running(session: Path) -> None:
    """Refuse to approve for a session nobody runs: no process would read the decision."""
    from tui.audit.lock import held_by

    if held_by(session) is None:
        raise InputError(
            f"{session}: its log shows a request waiting, but no process holds the session (it "
            "ended, crashed or was killed): nothing would read your decision. When its operator "
            "resumes it, the step asks again."
        )


def _who(start: dict[str, Any], profile: str | None) -> dict[str, Any]:
    """The approver: STS with their own credentials, their OS user, this host and pid."""
    from tui.audit.session_log import os_user
    from tui.aws.approver import approver_identity
    from tui.aws.protocol import CloudError

    user = os_user()
    aws = start.get("aws") or {}
    account = aws.get("account")
    rehearsal = start.get("mode") == "rehearsal" and not os.environ.get("AWS_ENDPOINT_URL")
    recorded = (aws.get("via") or {}).get("endpoint")
    try:
        ident = approver_identity(
            endpoint_url=recorded if rehearsal else os.environ.get("AWS_ENDPOINT_URL") or None,
            profile=profile,
            region=aws.get("region"),
            rehearsal_account=account if rehearsal else None,
            session_name=user,
        )
    except CloudError as exc:
        raise InputError(
            f"cannot tell who you are from your AWS credentials: {exc}. An approval is given "
            "as yourself: log in (aws sso login, a profile with --profile) and try again."
        ) from exc
    if account and ident["account"] != account:
        raise InputError(
            f"your credentials are for account {ident['account']} ({ident['arn']}); the "
            f"session works in {account}: approve with credentials for that account"
        )
    return {**ident, "os_user": user, "host": socket.gethostname(), "pid": os.getpid()}


def _refuse(approver: dict[str, Any], request: Any) -> None:
    """Refuse, before anything is delivered, what the session would not count: the operator
    approving themselves, or someone the runbook's `from` does not name. The session checks
    again (the file could be written by hand)."""
    from tui.engine.approvals import allowed, approver_name, self_approval

    payload = request.record.payload
    operator = payload.get("operator") or {}
    why = self_approval(approver, operator)
    if why is not None:
        raise InputError(
            f"refused: {why}. The operator is {operator.get('arn')} ({operator.get('os_user')} "
            f"on {operator.get('host')}); another person must approve, with their own "
            "credentials. Nothing was delivered."
        )
    named = tuple(payload.get("from") or ())
    if not allowed(approver, named):
        raise InputError(
            f"refused: the runbook names who may approve this ({', '.join(named)}), and "
            f"{approver_name(approver)} is not one of them. Nothing was delivered."
        )


def _shown(request: Any) -> str:
    payload = request.record.payload
    lines = [
        f"Session waits for approval: step {payload.get('step')} ({payload.get('kind')})",
        f"operator: {(payload.get('operator') or {}).get('arn')} "
        f"({(payload.get('operator') or {}).get('os_user')})",
        f"needs {payload.get('required')} approval(s)"
        + (f" from {', '.join(payload['from'])}" if payload.get("from") else "")
        + f", until {payload.get('deadline')}",
        "",
        str(payload.get("shown") or ""),
    ]
    evidence = payload.get("evidence") or {}
    if evidence:
        lines += ["", "evidence:"] + [f"  {k}: {v}" for k, v in evidence.items()]
    return "\n".join(lines)


def _typed(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def _ask() -> str:
    from tui.audit.approval_inbox import APPROVE, DENY

    if not sys.stdin.isatty():
        raise InputError("no terminal to ask on: give --yes to approve or --deny --reason R")
    answer = _typed("Approve it? Type 'approve' or 'deny': ").lower()
    if answer not in (APPROVE, DENY):
        raise InputError(f"{answer!r} is neither approve nor deny: nothing was delivered")
    return answer


def _recorded(session: Path, name: str) -> int:
    """Wait for the session to chain the decision in `name`; say what it recorded."""
    from tui.audit.chain import read_log

    until = time.monotonic() + CONFIRM_WAIT_S
    pause = threading.Event()
    while time.monotonic() < until:
        for record in reversed(read_log(session).records):
            if record.type.startswith("approval.") and record.payload.get("file", "").endswith(
                name
            ):
                if record.type == "approval.refused":
                    print(f"the session did not count it: {record.payload.get('why')}")
                    return ExitCode.INVALID_INPUT
                print(f"the session recorded {record.type} (seq {record.seq}, {record.hash[:16]})")
                return ExitCode.COMPLETED
        pause.wait(0.1)
    print(
        f"delivered, but the session has not recorded it within {CONFIRM_WAIT_S:g}s: it may be "
        "busy asking its operator; it reads the decision when it next looks",
        file=sys.stderr,
    )
    return ExitCode.COMPLETED
