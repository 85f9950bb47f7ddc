"""`turnout run`, `turnout rehearse` and `turnout resume`: a session against AWS, against the
embedded rehearsal world, or carried on from its audit log.

Each runs in the app on a terminal, or with the plain or headless front end (`_front_end`). AWS,
the world and the engine are imported inside the handlers so that `turnout validate` stays
light.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from tui.commands.leases import add_lease_flags
from tui.errors import InputError
from tui.exitcodes import ExitCode

if TYPE_CHECKING:  # the engine is imported by the handlers, not by `turnout --help`
    from collections.abc import Callable

    from tui.engine.ports import Operator

RECOMMENDED_SPEED = 60.0
"""`turnout rehearse --headless`'s default speed: every shipped runbook rehearses in under two
minutes."""
MAX_SPEED = 100.0
"""Beyond this the engine's polls outrun the world's metrics (measured: 100x completes the
shipped runbooks; 200x leaves guardrails without data)."""
MIN_SPEED = 0.1
"""Slower than a tenth of real time is no rehearsal; `--speed 1e-300` made every wait of the
world's loop infinite and its clock overflow."""
MIN_POLL = 1.0
"""Engine seconds between polls, at least: `--poll 0s` polled AWS in a busy loop."""
PERSON_SPEED = 10.0
"""The default speed when a person answers (the app, plain mode). While a question waits for
them the world runs at real time (`world_questions_at_real_time`), so a two-minute rollback
countdown lasts two minutes and their reading costs the world what it would on the night."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add run, rehearse and resume."""
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
    _common(run)
    add_lease_flags(run)
    run.set_defaults(handler=run_command)

    rehearse = subparsers.add_parser(
        "rehearse",
        help="rehearse a runbook against the embedded AWS world, then debrief",
        description="Start the embedded AWS world (moto on 127.0.0.1) with a fault scenario, run "
        "the runbook against it on the world's accelerated clock, and print a debrief: time to "
        "detect, time to roll back, errors served to users.",
    )
    rehearse.add_argument("runbook", metavar="RUNBOOK")
    rehearse.add_argument(
        "--scenario",
        default="healthy",
        metavar="NAME|FILE",
        help="fault scenario (default: healthy)",
    )
    rehearse.add_argument(
        "--speed",
        type=float,
        default=None,
        metavar="X",
        help=f"world time runs X times faster (default {PERSON_SPEED:g} when a person answers, "
        f"{RECOMMENDED_SPEED:g} with --headless: every shipped runbook then rehearses in under "
        "two minutes); while a question waits for you it runs at real time",
    )
    rehearse.add_argument(
        "--warp",
        default="0s",
        metavar="DURATION",
        help="let the world run this long before the session starts, e.g. 2m30s to begin "
        "inside a scenario's fault (default 0s)",
    )
    _common(rehearse)
    add_lease_flags(rehearse, rehearsal=True)
    rehearse.set_defaults(handler=rehearse_command)

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
    _common(resume, with_sessions_dir=False)
    add_lease_flags(resume)
    resume.set_defaults(handler=resume_command)


def _common(parser: argparse.ArgumentParser, *, with_sessions_dir: bool = True) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="give a param a value (repeatable)",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no UI: a timestamped progress stream; questions need --auto-approve",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain-terminal prompts and a line-by-line stream (chosen by itself when stdout is "
        "not a terminal or TERM is dumb)",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="answer yes to every confirmation, checklist item and manual step, in the app, "
        "plain mode and headless (recorded as 'turnout --auto-approve (<user>)'); never "
        "overrides a failed precondition or a guardrail",
    )
    parser.add_argument("--poll", default="10s", metavar="DURATION", help="poll interval (10s)")
    if with_sessions_dir:
        parser.add_argument(
            "--sessions-dir",
            metavar="D",
            help="where session directories go (default ./sessions or $TURNOUT_SESSIONS)",
        )


def _front_end(args: argparse.Namespace) -> None:
    """Choose who asks the operator: `headless`, `plain` (asked for, or the terminal needs it:
    `args.plain_reason` says why) or the interactive `app` (a terminal, the default)."""
    import os
    import sys

    from tui.plain import should_use_plain

    args.plain_reason = None
    if args.headless:
        args.front = "headless"
        return
    reason = should_use_plain(sys.stdout, os.environ)
    if args.plain or reason:
        args.front, args.plain_reason = "plain", reason or ""
        return
    args.front = "app"


def _answers(args: argparse.Namespace) -> bool:
    """Whether someone (a person, or --auto-approve) can answer the runbook's questions."""
    return args.auto_approve or args.front != "headless"


def _start(args: argparse.Namespace, runbook: Any, clock: Any, **flow: Any) -> Any:
    """Run a new session with the chosen front end; returns its Outcome (code, session_dir)."""
    from tui.commands.session_flow import start_session

    if args.front == "app":
        from tui.app.session_app import start_session_app

        flow.pop("console", None)
        return start_session_app(runbook, clock=clock, auto_approve=args.auto_approve, **flow)
    flow.pop("debrief", None)  # printed after the session by the caller
    wrap = flow.pop("wrap_operator", None)
    operator = _plain_operator(args, clock, flow.get("console"))
    return start_session(
        runbook,
        clock=clock,
        auto_approve=args.auto_approve,
        operator=wrap(operator) if wrap and operator else operator,
        **flow,
    )


def _plain_operator(args: argparse.Namespace, clock: Any, console: Any) -> Operator | None:
    if args.front != "plain":
        return None
    from rich.console import Console

    from tui.plain import make_plain_operator

    return make_plain_operator(
        console or Console(soft_wrap=True), clock=clock, reason=args.plain_reason
    )


def _duration(text: str, flag: str) -> float:
    from tui.runbook.durations import parse_duration

    try:
        seconds = float(parse_duration(text))
    except ValueError as exc:
        raise InputError(f"{flag}: {exc}") from None
    if flag == "--poll" and seconds < MIN_POLL:
        raise InputError(f"--poll: {text} is too often: poll at least {MIN_POLL:g} s apart (1s)")
    return seconds


def _print_problems(exc: Any) -> int:
    import sys

    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return ExitCode.INVALID_INPUT


def run_command(args: argparse.Namespace) -> int:
    """`turnout run`: the runbook against AWS."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    _front_end(args)
    poll = _duration(args.poll, "--poll")
    try:
        runbook = load_runbook_with_set(args.runbook, args.set)
    except RunbookInvalid as exc:
        return _print_problems(exc)
    from tui.commands.session_flow import require_answerable
    from tui.engine.options import SessionOptions

    require_answerable(runbook, _answers(args))
    from tui.clock import SystemClock

    region = args.region or runbook.target.region
    _check_aws_config(args.profile, region)
    clock = SystemClock()
    from tui.audit.sessiondir import sessions_root
    from tui.commands.leases import aws_lease_store

    leases = aws_lease_store(args, args.profile, region, sessions_root(args.sessions_dir))
    outcome = _start(
        args,
        runbook,
        clock,
        make_cloud=_aws_cloud_maker(args.profile, region, clock),
        sessions_dir=args.sessions_dir,
        options=SessionOptions(poll=poll, mode="real", leases=leases, break_lease=args.break_lease),
    )
    return outcome.code


def _check_aws_config(profile: str | None, region: str | None) -> None:
    """A missing profile is a usage error, found before a session directory is made."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        boto3.session.Session(profile_name=profile, region_name=region)
    except BotoCoreError as exc:
        raise InputError(f"AWS configuration: {exc}") from None


def _aws_cloud_maker(profile: str | None, region: str | None, clock: Any) -> Any:
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
        return AwsCloud(AwsContext(clients, clock))

    return make


def rehearse_command(args: argparse.Namespace) -> int:
    """`turnout rehearse`: the runbook against the embedded world, then the debrief."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    _front_end(args)
    if args.speed is None:
        args.speed = RECOMMENDED_SPEED if args.front == "headless" else PERSON_SPEED
    if not MIN_SPEED <= args.speed <= MAX_SPEED:  # also refuses nan
        raise InputError(
            f"--speed must be from {MIN_SPEED:g} to {MAX_SPEED:g}, not {args.speed:g}: faster, "
            "a 10 s poll is shorter than a CloudWatch round trip and guardrails see no data; "
            "slower than a tenth of real time, nothing moves"
        )
    poll, warp = _duration(args.poll, "--poll"), _duration(args.warp, "--warp")
    try:
        runbook = load_runbook_with_set(args.runbook, args.set)
    except RunbookInvalid as exc:
        return _print_problems(exc)
    from tui.commands.session_flow import require_answerable

    require_answerable(runbook, _answers(args))
    # The scenario's file is checked here; what plays it (moto's world) loads with the world.
    from tui.rehearsal.scenario_loader import load_scenario_spec

    try:
        spec = load_scenario_spec(args.scenario)
    except RunbookInvalid as exc:
        return _print_problems(exc)
    return rehearse(runbook, spec, args.speed, warp, poll, args.sessions_dir, args)


def rehearse(
    runbook: Any,
    spec: Any,
    speed: float,
    warp: float,
    poll: float,
    sessions_dir: str | None,
    args: argparse.Namespace,
) -> int:
    """Start the world, run the session on its clock, print the debrief, stop the world."""
    from rich.console import Console

    from tui.commands.debrief_view import print_debrief
    from tui.commands.leases import world_lease_store
    from tui.engine.options import SessionOptions

    console = Console(soft_wrap=True)
    world, scenario = _start_world_showing_progress(spec, speed, warp)
    try:
        debrief, debrief_in_app = world_debriefs(world, scenario)
        outcome = _start(
            args,
            runbook,
            world.clock,
            make_cloud=world_cloud_maker(world),
            sessions_dir=sessions_dir,
            options=SessionOptions(
                poll=poll,
                mode="rehearsal",
                scenario=scenario.name,
                leases=world_lease_store(world, args),
                break_lease=getattr(args, "break_lease", False),
            ),
            console=console,
            debrief=debrief_in_app,
            wrap_operator=world_questions_at_real_time(world),
        )
        print_debrief(debrief(outcome.session_dir), console)
        console.print(f"audit log: {outcome.session_dir}/audit.jsonl")
        return outcome.code
    finally:
        world.stop()


def _start_world_showing_progress(spec: Any, speed: float, warp: float) -> tuple[Any, Any]:
    """The world and the `Scenario` playing `spec` on it (`start_world`): some seconds, most of
    them loading moto. On a terminal a spinner names what it is doing, then says how long it
    took; elsewhere (a captured stream) one line says it is starting."""
    import sys
    import time

    from rich.console import Console

    def start(tell: Callable[[str], None]) -> tuple[Any, Any]:
        tell("loading moto")
        from tui.rehearsal.scenario import Scenario  # its faults drive moto's backends

        scenario = Scenario(spec)
        return start_world(scenario, speed, warp, on_phase=tell), scenario

    what = f"scenario {spec.name}, {speed:g}x"
    err = Console(stderr=True, highlight=False)
    if not err.is_terminal:
        print(f"starting the rehearsal world ({what})...", file=sys.stderr)
        return start(lambda phase: None)
    began = time.monotonic()
    with err.status("starting the rehearsal world") as status:
        started = start(lambda phase: status.update(f"starting the rehearsal world: {phase}"))
    err.print(f"rehearsal world ready ({what}) in {time.monotonic() - began:.1f} s")
    return started


def start_world(
    scenario: Any,
    speed: float,
    warp: float = 0.0,
    on_phase: Callable[[str], None] | None = None,
) -> Any:
    """The world `rehearse` runs on: started with `scenario` at `speed`, its first metrics
    published, then `warp` world seconds on. `on_phase` hears what it is doing (several
    seconds in all). The caller stops it."""
    tell = on_phase or (lambda phase: None)
    tell("loading moto")
    from tui.rehearsal.world import World

    world = World(speed=speed, faults=scenario)
    tell("building VPC, ALB, ASGs, ECS, RDS")
    world.start()
    try:
        tell("waiting for the first metrics")
        _wait_for_metrics(world)
        if warp:
            world.clock.advance(warp)  # type: ignore[attr-defined]
    except BaseException:
        world.stop()
        raise
    return world


def world_debriefs(world: Any, scenario: Any) -> tuple[Any, Any]:
    """The drill's debrief from a session directory: as a `Debrief` (printed after the app),
    and as the app's `DebriefMaker` (title and rows, shown in the app when the session ends)."""
    from tui.commands.debrief_view import build_debrief, debrief_rows, debrief_title

    def debrief(session_dir: Any) -> Any:
        return build_debrief(
            scenario.name,
            world.simulator.ledger,
            session_dir,
            faults_planned=bool(scenario.spec.faults),
        )

    def in_app(session_dir: Any) -> tuple[str, list[tuple[str, str]]]:
        made = debrief(session_dir)
        return debrief_title(made), debrief_rows(made)

    return debrief, in_app


def world_questions_at_real_time(world: Any) -> Callable[[Operator], Operator]:
    """`wrap_operator` for a person's session on `world`: the world at real time while a
    question waits for them (see the simulator's `at_real_time`)."""
    from tui.commands.real_time_questions import AskedAtRealTime

    return lambda operator: AskedAtRealTime(operator, world.simulator.at_real_time)


def world_cloud_maker(world: Any) -> Any:
    """`make_cloud` for a session on `world`: the AWS adapters, pointed at it."""
    from tui.aws.clients import ClientFactory
    from tui.aws.cloud import AwsCloud
    from tui.aws.context import AwsContext
    from tui.rehearsal import names
    from tui.rehearsal.server import FAKE_CREDENTIALS

    def make_cloud(recorder: Any) -> Any:
        clients = ClientFactory(
            region=names.REGION,
            endpoint_url=world.endpoint_url,
            credentials=FAKE_CREDENTIALS,
            recorder=recorder,
        )
        return AwsCloud(AwsContext(clients, world.clock, world.http_hosts))

    return make_cloud


def _wait_for_metrics(world: Any, ticks: int = 2, limit: float = 20.0) -> None:
    """Let the simulator publish before the session reads a metric (as AWS has history)."""
    import time

    deadline = time.monotonic() + limit
    while world.simulator.stats.ticks < ticks and time.monotonic() < deadline:
        time.sleep(0.05)


def resume_command(args: argparse.Namespace) -> int:
    """`turnout resume`: carry a session on from its log."""

    from tui.audit.resume import resume_state
    from tui.audit.session_log import file_sha256
    from tui.clock import SystemClock
    from tui.commands.leases import aws_lease_store
    from tui.commands.session_flow import overrides_from_log, require_answerable, resume_session
    from tui.engine.options import SessionOptions
    from tui.engine.resuming import check_resumable, session_runbook
    from tui.runbook.loader import load_runbook
    from tui.runbook.params import parse_overrides
    from tui.runbook.problems import RunbookInvalid

    _front_end(args)
    poll = _duration(args.poll, "--poll")
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
        return _print_problems(exc)
    check_resumable(state, file_sha256(path))
    require_answerable(runbook, _answers(args))
    region = args.region or (start.get("aws") or {}).get("region") or runbook.target.region
    _check_aws_config(args.profile, region)
    clock = SystemClock()
    flow = {
        "clock": clock,
        "make_cloud": _aws_cloud_maker(args.profile, region, clock),
        "options": SessionOptions(
            poll=poll,
            mode="real",
            runbook_path=str(path),
            runbook_sha256=state.runbook_sha256,
            leases=aws_lease_store(args, args.profile, region, state.path.parent.parent),
            break_lease=args.break_lease,
        ),
        "repair_log": args.repair_log,
        "break_stale_lock": args.break_stale_lock,
    }
    if args.front == "app":
        from tui.app.session_app import resume_session_app

        return resume_session_app(runbook, state, auto_approve=args.auto_approve, **flow).code
    outcome = resume_session(
        runbook,
        state,
        auto_approve=args.auto_approve,
        operator=_plain_operator(args, clock, None),
        **flow,
    )
    return outcome.code
