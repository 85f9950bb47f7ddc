"""`turnout world`: the rehearsal AWS world alone, for poking with the AWS CLI or boto3."""

from __future__ import annotations

import argparse
import faulthandler
import signal
import sys
import threading

from tui.errors import InputError
from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout world`."""
    parser = subparsers.add_parser(
        "world",
        help="start the rehearsal AWS world alone and print how to reach it",
        description=(
            "Start the embedded AWS world (moto, on 127.0.0.1, seeded with the stack the shipped "
            "runbooks act on), keep it moving, and print the endpoint to use with the AWS CLI "
            "or boto3. Ctrl-C stops it."
        ),
    )
    parser.add_argument(
        "--scenario",
        default="healthy",
        metavar="NAME|FILE",
        help="fault scenario to play (default: healthy)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="X",
        help="how much faster than real time the world runs (default: 1)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start, seed, print the endpoint, and serve until interrupted."""
    if not 0 < args.speed <= 1000:
        raise InputError(f"--speed must be between 0 and 1000, not {args.speed:g}")
    from tui.rehearsal.scenario import load_scenario
    from tui.rehearsal.world import World

    scenario = load_scenario(args.scenario)
    print(
        f"starting the rehearsal world (scenario {scenario.name}, speed {args.speed:g}x)...",
        file=sys.stderr,
    )
    world = World(speed=args.speed, faults=scenario)
    world.start()
    if scenario.spec.step_starts():
        # No session runs in this process to say when its steps start (`turnout rehearse` does,
        # tui/commands/world_steps.py); a session in another process only sends AWS calls. So a
        # fault timed from a step starts now, as if the step had come when the world was ready.
        scenario.steps_reached_now(world.clock.now())
        steps = ", ".join(sorted({s.step for s in scenario.spec.step_starts()}))
        print(
            f"scenario {scenario.name}: its faults timed from a runbook step ({steps}) start now:"
            " turnout world cannot see a session's steps (turnout rehearse times them)",
            file=sys.stderr,
        )
    stop = _stop_on_signals()
    try:
        print(
            f"rehearsal world ready at {world.endpoint_url}\n"
            f"export AWS_ENDPOINT_URL={world.endpoint_url}\n"
            "export AWS_ACCESS_KEY_ID=AKIAREHEARSAL0000000 "
            "AWS_SECRET_ACCESS_KEY=rehearsal-not-a-secret AWS_DEFAULT_REGION=us-east-1\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        # A wait with a timeout, not one without: Python runs a signal's handler on the main
        # thread, and a signal the kernel hands to another thread (the simulator's, a request's)
        # cannot wake a main thread blocked for good; a `turnout world` once ignored Ctrl-C
        # for 20 s on a busy CI machine. Each turn of this loop is a chance to run the handler.
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping the rehearsal world", file=sys.stderr)
        world.stop()
    return ExitCode.COMPLETED


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C, SIGTERM (a process manager's stop) or SIGHUP (the terminal went
    away): each stops the world cleanly, freeing its ports. SIGUSR1 prints every thread's stack
    to stderr, for a world that seems stuck."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda *_: stop.set())
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    return stop
