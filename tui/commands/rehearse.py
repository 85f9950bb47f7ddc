"""`turnout rehearse`: the runbook against the embedded AWS world (moto on 127.0.0.1) on the
world's accelerated clock, then the debrief; and the glue a rehearsal adds to a session: the
world started with its progress shown, the Cloud pointed at it, a person's questions at real
time, the debrief.

The world and the engine are imported inside the handler so that `turnout --help` stays light.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.commands.debrief_view import Coaching
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
PERSON_SPEED = 10.0
"""The default speed when a person answers (the app, plain mode). While a question waits for
them the world runs at real time (`world_questions_at_real_time`), so a two-minute rollback
countdown lasts two minutes and their reading costs the world what it would on the night."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add rehearse (called by `tui.commands.session.register`, between run and resume)."""
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
    rehearse.add_argument(
        "--policy",
        metavar="FILE",
        help="hold the session to this IAM policy (`turnout policy RUNBOOK -o FILE`): the "
        "world refuses every call it does not allow, and the preflight checks it first",
    )
    add_session_flags(rehearse)
    add_lease_flags(rehearse, rehearsal=True)
    rehearse.set_defaults(handler=rehearse_command)


def rehearse_command(args: argparse.Namespace) -> int:
    """`turnout rehearse`: the runbook against the embedded world, then the debrief."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    poll, warp = rehearsal_flags(args), duration_flag(args.warp, "--warp")
    try:
        runbook = load_runbook_with_set(args.runbook, args.set)
    except RunbookInvalid as exc:
        return print_problems(exc)
    from tui.commands.session_flow import require_answerable

    require_answerable(runbook, someone_answers(args))
    # The scenario's file is checked here; what plays it (moto's world) loads with the world.
    from tui.rehearsal.scenario_loader import check_steps, load_scenario_spec

    try:
        spec = load_scenario_spec(args.scenario)
        steps = (s.id for s in (*runbook.order, *runbook.rollback))
        check_steps(spec, runbook.file, steps)
    except RunbookInvalid as exc:
        return print_problems(exc)
    if getattr(args, "policy", None):
        import json

        from tui.commands.policy import read_policy_file

        args.policy_text = json.dumps(read_policy_file(args.policy))
    return rehearse(runbook, spec, args.speed, warp, poll, args.sessions_dir, args)


def rehearsal_flags(args: argparse.Namespace) -> float:
    """What `rehearse` and `drill run` settle first: the config file's and environment's
    values, the front end, the speed (its default for that front end, checked); the poll in
    seconds."""
    apply_config(args, rehearsal=True)
    choose_front_end(args)
    if args.speed is None:
        args.speed = RECOMMENDED_SPEED if args.front == "headless" else PERSON_SPEED
    if not MIN_SPEED <= args.speed <= MAX_SPEED:  # also refuses nan
        source = args.config_sources.get("speed")
        given = f"{source}: speed" if source else "--speed"
        raise InputError(
            f"{given} must be from {MIN_SPEED:g} to {MAX_SPEED:g}, not {args.speed:g}: faster, "
            "a 10 s poll is shorter than a CloudWatch round trip and guardrails see no data; "
            "slower than a tenth of real time, nothing moves"
        )
    return duration_flag(args.poll, "--poll")


def rehearse(
    runbook: Any,
    spec: Any,
    speed: float,
    warp: float,
    poll: float,
    sessions_dir: str | None,
    args: argparse.Namespace,
    coaching: Coaching | None = None,
) -> int:
    """Open the session at once, start the world as its first act (the app is painted by then,
    and shows the world's progress), run the session on the world's clock, print the debrief,
    stop the world. `coaching`: what a drill adds (`turnout drill run`)."""
    from datetime import UTC, datetime

    from rich.console import Console

    from tui.commands.session_flow import open_session
    from tui.engine.options import SessionOptions

    # With --json stdout carries the JSON Lines alone: the debrief goes where people read.
    console = Console(soft_wrap=True, stderr=getattr(args, "json", False))
    policy = getattr(args, "policy_text", None)
    # The log records the scenario played (a blind drill's too: no front end shows it; the
    # world's progress and the debrief's title say what `coaching` tells them).
    options = SessionOptions(
        poll=poll, mode="rehearsal", scenario=spec.name, preflight=policy is not None
    )
    boot = WorldBoot(spec, options, speed, warp, args, coaching)
    request = request_for(
        args,
        runbook,
        boot.clock,
        make_cloud=boot.make_cloud,
        options=options,
        sessions_dir=sessions_dir,
        console=console,
        debrief=boot.debrief_in_app,
        wrap_operator=boot.questions_at_real_time,
        hear_events=boot.steps_to_world,
        boot=boot.start,
        named_at=datetime.now(UTC),
    )
    try:
        outcome = open_session(request)
        if boot.world is not None:
            boot.debriefs().print(outcome.session_dir, console)
            if coaching is not None:
                coaching.finish(boot.debrief(outcome.session_dir), outcome.session_dir, console)
            if runbook.audit:  # the copies live in the world: compare them before it stops
                from tui.commands.audit_remote import check_copies

                console.print(check_copies(outcome.session_dir)[1], markup=False, highlight=False)
        console.print(f"audit log: {outcome.session_dir}/audit.jsonl")
        return outcome.code
    finally:
        boot.stop()


class WorldBoot:
    """A rehearsal's world, started when the session asks (`start`, the session's `Boot`) and
    read lazily by what the session was given before it existed: the Cloud, a person's
    questions at real time, the debrief. Its `clock` exists from the start (no moto needed),
    so the session's log and the app run on it while the world boots."""

    def __init__(
        self,
        spec: Any,
        options: Any,
        speed: float,
        warp: float,
        args: argparse.Namespace,
        coaching: Coaching | None = None,
    ) -> None:
        from tui.rehearsal.world_clock import new_world_clock

        self.spec, self.options, self.speed, self.warp, self.args = spec, options, speed, warp, args
        self.coaching = coaching
        self.clock = new_world_clock(speed)
        self.world: Any = None
        self.scenario: Any = None
        self._debriefs: Any = None

    def start(self, front: str, operator: Operator) -> Any:
        """Start the world, showing its progress where the front end shows things: the app's
        notices (it is painted already), else a spinner on a terminal's stderr or one line on a
        captured one. Returns the session's options with the world's lease store."""
        import time
        from dataclasses import replace

        from tui.commands.leases import world_lease_store
        from tui.engine.events import Notice

        shown = self.coaching.shown_as if self.coaching else self.spec.name
        what = f"scenario {shown}, {self.speed:g}x"
        began = time.monotonic()
        if front == "app":
            operator.notify(Notice(f"starting the rehearsal world ({what})…", "info"))
            self._start(lambda phase: operator.notify(Notice(f"rehearsal world: {phase}", "info")))
            took = time.monotonic() - began
            operator.notify(Notice(f"rehearsal world ready ({what}) in {took:.1f} s", "info"))
        else:
            self._start_on_stderr(what, began)
        assert self.world is not None
        return replace(
            self.options,
            leases=world_lease_store(self.world, self.args),
            break_lease=getattr(self.args, "break_lease", False),
        )

    def _start(self, tell: Callable[[str], None]) -> None:
        tell("loading moto")
        from tui.rehearsal.scenario import Scenario  # its faults drive moto's backends

        self.scenario = Scenario(self.spec)
        policy = getattr(self.args, "policy_text", None)
        self.world = start_world(
            self.scenario, self.speed, self.warp, tell, clock=self.clock, policy=policy
        )

    def _start_on_stderr(self, what: str, began: float) -> None:
        import sys
        import time

        from rich.console import Console

        err = Console(stderr=True, highlight=False)
        if not err.is_terminal:
            print(f"starting the rehearsal world ({what})...", file=sys.stderr)
            self._start(lambda phase: None)
            return
        with err.status("starting the rehearsal world") as status:
            self._start(lambda phase: status.update(f"starting the rehearsal world: {phase}"))
        err.print(f"rehearsal world ready ({what}) in {time.monotonic() - began:.1f} s")

    def make_cloud(self, recorder: Any) -> Any:
        """The session's Cloud: the AWS adapters pointed at the (booted) world."""
        return world_cloud_maker(self.world)(recorder)

    def questions_at_real_time(self, operator: Operator) -> Operator:
        """`world_questions_at_real_time` of the booted world: the session wraps its operator
        after `start` has returned."""
        assert self.world is not None, "wrapped before the world booted"
        return world_questions_at_real_time(self.world)(operator)

    def steps_to_world(self, operator: Operator) -> Operator:
        """`world_step_events` of the booted world (wrapped after `start`, as above), and the
        world at real time while an approval waits (every front end: the approver is a person)."""
        from tui.commands.real_time_questions import ApprovalsAtRealTime

        assert self.world is not None, "wrapped before the world booted"
        stepped = world_step_events(self.world)(operator)
        return ApprovalsAtRealTime(stepped, self.world.simulator.at_real_time)

    def debriefs(self) -> Any:
        """The session's `DebriefOnce` (the booted world's): read once, shown everywhere."""
        if self._debriefs is None:
            self._debriefs = world_debriefs(self.world, self.scenario, self.coaching)
        return self._debriefs

    def debrief(self, session_dir: Any) -> Any:
        return self.debriefs().debrief(session_dir)

    def debrief_in_app(self, session_dir: Any) -> tuple[str, list[tuple[str, str]]]:
        return self.debriefs().in_app(session_dir)

    def stop(self) -> None:
        if self.world is not None:
            self.world.stop()


def start_world(
    scenario: Any,
    speed: float,
    warp: float = 0.0,
    on_phase: Callable[[str], None] | None = None,
    *,
    clock: Any = None,
    policy: str | None = None,
) -> Any:
    """The world `rehearse` runs on: started with `scenario` at `speed` (on `clock`, a
    `new_world_clock`, when given), its first metrics published, then `warp` world seconds
    on. `on_phase` hears what it is doing (several seconds in all). The caller stops it."""
    tell = on_phase or (lambda phase: None)
    tell("loading moto")
    from tui.rehearsal.world import World

    world = World(speed=speed, faults=scenario, clock=clock, policy=policy)
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


def world_debriefs(world: Any, scenario: Any, coaching: Coaching | None = None) -> Any:
    """The drill's debrief from a session directory, as a `DebriefOnce`: read once the world
    has stepped past the session's end, then the same numbers in the app, in the table
    printed after it, and in a drill's score (`coaching`)."""
    from tui.commands.debrief_view import DebriefOnce, build_debrief

    def build(session_dir: Any) -> Any:
        return build_debrief(
            scenario.name,
            world.simulator.ledger,
            session_dir,
            faults_planned=bool(scenario.spec.faults),
        )

    return DebriefOnce(
        build,
        caught_up=world.simulator.step_now,
        extra=coaching.rows if coaching else None,
        title=coaching.title if coaching else None,
    )


def world_questions_at_real_time(world: Any) -> Callable[[Operator], Operator]:
    """`wrap_operator` for a person's session on `world`: the world at real time while a
    question waits for them (see the simulator's `at_real_time`)."""
    from tui.commands.real_time_questions import AskedAtRealTime

    return lambda operator: AskedAtRealTime(operator, world.simulator.at_real_time)


def world_step_events(world: Any) -> Callable[[Operator], Operator]:
    """`hear_events` for a session on `world`: the world hears when each step starts and ends,
    on the session's thread, so a fault timed from a step is in it before the step reads it,
    and when a bake or wait is fast-forwarded."""
    from tui.commands.world_steps import StepsToWorld

    return lambda operator: StepsToWorld(operator, world.step_reached, world.fast_forward)


def world_cloud_maker(world: Any) -> Any:
    """`make_cloud` for a session on `world`: the AWS adapters, pointed at it."""
    from tui.aws.clients import ClientFactory
    from tui.aws.cloud import AwsCloud
    from tui.aws.context import AwsContext
    from tui.rehearsal import names

    def make_cloud(recorder: Any) -> Any:
        clients = ClientFactory(
            region=names.REGION,
            endpoint_url=world.endpoint_url,
            credentials=world.session_credentials(),
            recorder=recorder,
            expires=world.operator.expires if world.operator else None,
        )
        return AwsCloud(AwsContext(clients, world.clock, world.http_hosts))

    return make_cloud


def _wait_for_metrics(world: Any, ticks: int = 2, limit: float = 20.0) -> None:
    """Let the simulator publish before the session reads a metric (as AWS has history)."""
    world.simulator.wait_for_turns(ticks, limit)
