"""`turnout watch SESSION [--serve [--port P]]`: follow a running session read-only, in a
terminal or (with `--serve`) in a browser."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tui.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout watch`."""
    watch = subparsers.add_parser(
        "watch",
        help="follow a running session read-only, from another terminal or a browser",
        description=(
            "Open the session screen of a session another terminal is running, read-only: "
            "its steps, guardrails with their values, the question waiting and every answer, "
            "following its audit log as it is written (verified as it is read). No key here "
            "changes the session, and watching takes no lock or lease: the operator's own "
            "screen is the only one that acts. With --serve, the same screen is served to a "
            "browser at an address with a secret token in it, on 127.0.0.1 unless --bind says "
            "otherwise."
        ),
    )
    watch.add_argument(
        "session",
        metavar="SESSION",
        help="the session directory (or its audit.jsonl), or its name under the sessions directory",
    )
    watch.add_argument(
        "--serve",
        action="store_true",
        help="serve the screen to a browser instead (prints the address to open)",
    )
    watch.add_argument(
        "--port",
        type=int,
        metavar="P",
        help="with --serve: the port to listen on (default: a free one)",
    )
    watch.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDR",
        help="with --serve: the address to listen on (default 127.0.0.1: this machine only)",
    )
    watch.set_defaults(handler=run_watch)


def session_directory(session: str) -> Path:
    """The session directory SESSION names: itself, the directory of its audit.jsonl, or a
    name under the sessions directory. Its log need not exist yet (a session starting)."""
    from tui.audit.chain import LOG_NAME
    from tui.audit.sessiondir import sessions_root

    path = Path(session)
    if path.is_file() and path.name == LOG_NAME:
        return path.parent
    if path.is_dir():
        return path
    named = sessions_root() / session
    if not path.is_absolute() and named.is_dir():
        return named
    raise InputError(
        f"{session}: no session here. Give a session directory (sessions/<time>-<runbook>/), "
        f"its {LOG_NAME}, or a session's name under {sessions_root()}/"
    )


def run_watch(args: argparse.Namespace) -> int:
    """Watch in the terminal, or serve the watching screen to a browser."""
    directory = session_directory(args.session)
    from tui.app.follow import session_start

    start = session_start(directory)  # a log that does not verify is refused here, exit 2
    if not args.serve:
        if args.port is not None or args.bind != "127.0.0.1":
            raise InputError("--port and --bind go with --serve: `turnout watch SESSION --serve`")
        # textual-serve runs this command for each browser, its screen going to the page
        web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
        if not (web or sys.stdout.isatty()):
            raise InputError(
                "turnout watch draws the session screen and needs a terminal; for a browser "
                f"use `turnout watch {args.session} --serve`, for text `turnout audit report`"
            )
        from tui.app.watch import run_watch_app

        return run_watch_app(directory, start, in_browser=web)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: a port is 1 to 65535 (0 or none: a free one)")
    from tui.commands.watch_serve import serve

    return serve(directory, port=args.port or 0, bind=args.bind)
