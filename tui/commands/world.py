"""`turnout world`: the rehearsal AWS world alone, for poking with the AWS CLI or boto3."""

from __future__ import annotations

import argparse
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
    try:
        print(
            f"rehearsal world ready at {world.endpoint_url}\n"
            f"export AWS_ENDPOINT_URL={world.endpoint_url}\n"
            "export AWS_ACCESS_KEY_ID=AKIAREHEARSAL0000000 "
            "AWS_SECRET_ACCESS_KEY=rehearsal-not-a-secret AWS_DEFAULT_REGION=us-east-1\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping the rehearsal world", file=sys.stderr)
    finally:
        world.stop()
    return ExitCode.COMPLETED
