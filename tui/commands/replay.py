"""`turnout replay SESSION [--speed X]`: play a recorded session back on the app's screens."""

from __future__ import annotations

import argparse
import sys

from tui.errors import InputError
from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout replay`."""
    replay = subparsers.add_parser(
        "replay",
        help="play a recorded session back on the session screen (post-mortems, training)",
        description=(
            "Play a session back from its audit log on the same screens the operator saw: step "
            "states, guardrail charts, traffic split, every question as it was shown and the "
            "answer given. The log is verified first. Nothing touches AWS. Keys: space "
            "pauses, + and - change the speed, q leaves."
        ),
    )
    replay.add_argument("session", metavar="SESSION", help="a session directory or its audit.jsonl")
    replay.add_argument(
        "--speed",
        type=float,
        default=10.0,
        metavar="X",
        help="how many times faster than it happened (default 10; 1 is real time)",
    )
    replay.set_defaults(handler=run_replay)


def run_replay(args: argparse.Namespace) -> int:
    """Verify the log, then replay it in the app (which needs a terminal)."""
    if args.speed <= 0:
        raise InputError(f"--speed {args.speed:g}: the speed must be more than 0 (e.g. 10)")
    from tui.audit.replay import Replay

    replay = Replay.load(args.session)  # a missing or tampered log is refused here, exit 2
    if not sys.stdout.isatty():
        raise InputError(
            "turnout replay draws the session screen and needs a terminal; for a text record "
            f"use `turnout audit report {args.session}`"
        )
    from tui.app.launch import run_replay_app

    return run_replay_app(args.session, speed=args.speed, replay=replay) or ExitCode.COMPLETED
