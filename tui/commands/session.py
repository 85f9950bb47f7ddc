"""`turnout run` and `turnout resume`: a session against AWS, new or carried on from its audit
log (`turnout rehearse`, against the embedded world, is `tui.commands.rehearse`).

The command line becomes a `SessionRequest` (`tui.commands.session_args`) and `open_session`
runs it in the app on a terminal, or with the plain or headless front end. AWS and the engine
are imported inside the handlers so that `turnout validate` stays light.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from tui.commands import rehearse
from tui.commands.leases import add_lease_flags
from tui.commands.session_args import (
    add_session_flags,
    apply_config,
    choose_front_end,
    duration_flag,
    print_problems,
    request_for,
    someone_answers,
)
from tui.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add run, rehearse and resume (rehearse's parser is `tui.commands.rehearse`'s), in that
    order for `--help`."""
    run = subparsers.add_parser(
        "run",
        help="run a runbook against AWS, one confirmed step at a time",
        description="Run a runbook against AWS with the standard credential chain (profiles, "
        "regions, AWS_ENDPOINT_URL), asking before every risky step, watching guardrails and "
        "rolling back; the audit log goes to the session directory.",
    )
    run.add_argument("runbook", metavar="RUNBOOK")
    run.add_argument("--profile", metavar="P", help="AWS profile (default: the credential chain)")
    run.add_argument("--region", metavar="R", help="AWS region (default: the runbook's target)")
    add_session_flags(run)
    add_lease_flags(run)
    run.set_defaults(handler=run_command)

    rehearse.register(subparsers)
    resume = subparsers.add_parser(
        "resume",
        help="carry on an interrupted session from its audit log",
        description="Continue a session that was interrupted (Ctrl-C, a crash, a lost "
        "terminal) from its audit log, without repeating a change: completed steps are skipped "
        "and a step that was under way is looked for in AWS before anything is sent again.",
    )
    resume.add_argument(
        "session", metavar="SESSION", help="the session directory (or its audit.jsonl)"
    )
    resume.add_argument("--profile", metavar="P", help="AWS profile")
    resume.add_argument("--region", metavar="R", help="AWS region (default: the session's)")
    resume.add_argument(
        "--runbook",
        metavar="FILE",
        help="the runbook file, when the one named in the log is not found (same SHA-256)",
    )
    resume.add_argument(
        "--break-stale-lock",
        action="store_true",
        help="take over a log whose writer died on this host (recorded as lock.broken)",
    )
    resume.add_argument(
        "--repair-log",
        action="store_true",
        help="cut a torn final line (a write cut off by a crash) before appending (recorded)",
    )
    add_session_flags(resume, with_sessions_dir=False)
    add_lease_flags(resume)
    resume.set_defaults(handler=resume_command)


def run_command(args: argparse.Namespace) -> int:
    """`turnout run`: the runbook against AWS."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    apply_config(args)
    choose_front_end(args)
    poll = duration_flag(args.poll, "--poll")
    try:
        runbook = load_runbook_with_set(args.runbook, args.set)
    except RunbookInvalid as exc:
        return print_problems(exc)
    from tui.commands.session_flow import require_answerable
    from tui.engine.options import SessionOptions

    require_answerable(runbook, someone_answers(args))
    from tui.clock import SystemClock

    region = args.region or runbook.target.region
    _check_aws_config(args.profile, region)
    clock, http_hosts = endpoint_clock_and_hosts(SystemClock())
    from tui.audit.sessiondir import sessions_root
    from tui.commands.leases import aws_lease_store

    leases = aws_lease_store(args, args.profile, region, sessions_root(args.sessions_dir))
    from tui.commands.session_flow import open_session

    options = SessionOptions(
        poll=poll,
        mode="real",
        leases=leases,
        break_lease=args.break_lease,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        profile=args.profile or os.environ.get("AWS_PROFILE") or None,
        preflight=True,
    )
    make_cloud = _aws_cloud_maker(args.profile, region, clock, http_hosts)
    request = request_for(
        args, runbook, clock, make_cloud=make_cloud, options=options, sessions_dir=args.sessions_dir
    )
    return open_session(request).code


def _check_aws_config(profile: str | None, region: str | None) -> None:
    """A missing profile is a usage error, found before a session directory is made."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        boto3.session.Session(profile_name=profile, region_name=region)
    except BotoCoreError as exc:
        raise InputError(f"AWS configuration: {exc}") from None


def endpoint_clock_and_hosts(wall: Any) -> tuple[Any, dict[str, str]]:
    """The clock every wait, bake and metric period of the session follows, and where
    `http.probe` sends the runbook's host names: the wall clock and DNS for AWS; for an
    AWS_ENDPOINT_URL that is a rehearsal world (`turnout world`), the world's own clock, read
    from it, and its front door (tui/rehearsal/world_endpoint.py). The world at --speed 10
    runs ten times ahead of the wall clock: a session on the wall clock read periods the
    world had not written yet ("no data") and rolled back a healthy canary."""
    import sys

    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    if endpoint is None:
        return wall, {}
    from tui.rehearsal.world_endpoint import endpoint_clock, read_about

    about = read_about(endpoint)
    if about is None:
        return wall, {}
    clock = endpoint_clock(endpoint, about)
    hosts = dict(about.get("http_hosts") or {})
    doors = ", ".join(hosts) or "no host"
    print(
        f"{endpoint} is a turnout rehearsal world ({about['clock']['speed']:g}x): the session "
        f"follows its clock, and http.probe reaches its front door for {doors}",
        file=sys.stderr,
    )
    return clock, hosts


def _aws_cloud_maker(
    profile: str | None, region: str | None, clock: Any, http_hosts: dict[str, str] | None = None
) -> Any:
    from botocore.exceptions import BotoCoreError

    from tui.aws.clients import ClientFactory
    from tui.aws.cloud import AwsCloud
    from tui.aws.context import AwsContext

    def make(recorder: Any) -> Any:
        clients = ClientFactory(
            region=region,
            profile=profile,
            endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
            recorder=recorder,
        )
        try:
            clients.session  # noqa: B018 - resolve the profile now, before anything runs
        except BotoCoreError as exc:
            raise InputError(f"AWS configuration: {exc}") from None
        return AwsCloud(AwsContext(clients, clock, dict(http_hosts or {})))

    return make


def resume_command(args: argparse.Namespace) -> int:
    """`turnout resume`: carry a session on from its log."""

    from tui.audit.resume import resume_state
    from tui.audit.session_log import file_sha256
    from tui.clock import SystemClock
    from tui.commands.leases import aws_lease_store
    from tui.commands.session_flow import open_session, require_answerable
    from tui.engine.options import SessionOptions
    from tui.engine.resuming import check_resumable, overrides_from_log, session_runbook
    from tui.runbook.loader import load_runbook
    from tui.runbook.params import parse_overrides
    from tui.runbook.problems import RunbookInvalid

    apply_config(args)
    choose_front_end(args)
    poll = duration_flag(args.poll, "--poll")
    state = resume_state(args.session)
    start = state.fold.start.payload if state.fold and state.fold.start else {}
    if start.get("mode") == "rehearsal":
        raise InputError(
            f"{state.path}: a rehearsal cannot be resumed: its world ended with the process "
            "that ran it. Rehearse again."
        )
    path = session_runbook(state, args.runbook)
    given, bad = parse_overrides(args.set)
    if bad:
        raise InputError("; ".join(bad))
    try:
        runbook = load_runbook(path, overrides_from_log(state.params, path, given))
    except RunbookInvalid as exc:
        return print_problems(exc)
    check_resumable(state, file_sha256(path))
    require_answerable(runbook, someone_answers(args))
    region = args.region or (start.get("aws") or {}).get("region") or runbook.target.region
    _check_aws_config(args.profile, region)
    clock, http_hosts = endpoint_clock_and_hosts(SystemClock())
    options = SessionOptions(
        poll=poll,
        mode="real",
        runbook_path=str(path),
        runbook_sha256=state.runbook_sha256,
        leases=aws_lease_store(args, args.profile, region, state.path.parent.parent),
        break_lease=args.break_lease,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        profile=args.profile or os.environ.get("AWS_PROFILE") or None,
        preflight=True,
    )
    request = request_for(
        args,
        runbook,
        clock,
        make_cloud=_aws_cloud_maker(args.profile, region, clock, http_hosts),
        options=options,
        resume=state,
        repair_log=args.repair_log,
        break_stale_lock=args.break_stale_lock,
    )
    return open_session(request).code
