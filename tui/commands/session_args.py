"""What `turnout run`, `rehearse` and `resume` share on the command line: their common flags,
the choice of front end, durations given as flags, and the `SessionRequest` a parsed command
line makes (`request_for`), which `open_session` runs whichever front end was chosen.
"""

from __future__ import annotations

import argparse
from typing import Any

from tui.errors import InputError
from tui.exitcodes import ExitCode

DEFAULT_POLL = "10s"
MIN_POLL = 1.0
"""Engine seconds between polls, at least: `--poll 0s` polled AWS in a busy loop."""


def add_set_flag(parser: argparse.ArgumentParser) -> None:
    """`--set NAME=VALUE`, the runbook's params, for every command that loads a runbook."""
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="give a param a value (repeatable); lists are a,b,c and maps k:v,k:v",
    )


def add_session_flags(parser: argparse.ArgumentParser, *, with_sessions_dir: bool = True) -> None:
    add_set_flag(parser)
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no UI: a timestamped progress stream; questions need --auto-approve",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="with --headless: every audit record as it is written, one JSON object per line "
        "(JSON Lines, docs/machine-output.md) on standard output; what a person reads goes to "
        "standard error",
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
    parser.add_argument(
        "--poll",
        default=None,
        metavar="DURATION",
        help="poll interval (default 10s, or $TURNOUT_POLL, or poll in the config file)",
    )
    if with_sessions_dir:
        add_sessions_dir_flag(parser)


def add_sessions_dir_flag(parser: argparse.ArgumentParser) -> None:
    """`--sessions-dir D`; `apply_config` fills it from the environment or the config file."""
    parser.add_argument(
        "--sessions-dir",
        metavar="D",
        help="where session directories go (default ./sessions, or $TURNOUT_SESSIONS, or "
        "sessions_dir in the config file: `turnout config`)",
    )


def apply_config(args: argparse.Namespace, *, rehearsal: bool = False) -> None:
    """Fill the flags not given from `TURNOUT_*` and the config file (tui/config.py): flag >
    environment > file > default. `args.config_sources` says where each value came from (for
    messages about it). A rehearsal takes no lock table from either: a table named for
    production does not exist in its world (tui/commands/leases.py)."""
    from tui.config import load_config

    config = load_config()
    args.config_sources = {}
    for name in ("sessions_dir", "speed", "poll", "lock_table"):
        if not hasattr(args, name) or (rehearsal and name == "lock_table"):
            continue
        setting = config.settings[name]
        if getattr(args, name) is None and setting.source != "default":
            setattr(args, name, setting.value)
            args.config_sources[name] = setting.source
    if getattr(args, "poll", "") is None:
        args.poll = DEFAULT_POLL
    args.config = config


def choose_front_end(args: argparse.Namespace) -> None:
    """Choose who asks the operator: `headless`, `plain` (asked for, or the terminal needs it:
    `args.plain_reason` says why) or the interactive `app` (a terminal, the default)."""
    import os
    import sys

    from tui.plain import should_use_plain

    args.plain_reason = None
    if getattr(args, "json", False) and not args.headless:
        raise InputError(
            "--json prints the headless stream as JSON Lines: give --headless with it (and "
            "--auto-approve if the runbook asks anything)"
        )
    if args.headless:
        args.front = "headless"
        return
    reason = should_use_plain(sys.stdout, os.environ)
    if args.plain or reason:
        args.front, args.plain_reason = "plain", reason or ""
        return
    args.front = "app"


def someone_answers(args: argparse.Namespace) -> bool:
    """Whether someone (a person, or --auto-approve) can answer the runbook's questions."""
    return args.auto_approve or args.front != "headless"


def duration_flag(text: str | None, flag: str) -> float:
    from tui.runbook.durations import parse_duration

    if text is None and flag == "--poll":  # a command that reads no config (apply_config)
        text = DEFAULT_POLL

    try:
        seconds = float(parse_duration(text))
    except ValueError as exc:
        raise InputError(f"{flag}: {exc}") from None
    if flag == "--poll" and seconds < MIN_POLL:
        raise InputError(f"--poll: {text} is too often: poll at least {MIN_POLL:g} s apart (1s)")
    return seconds


def print_problems(exc: Any) -> int:
    import sys

    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return ExitCode.INVALID_INPUT


def request_for(args: argparse.Namespace, runbook: Any, clock: Any, **fields: Any) -> Any:
    """The `SessionRequest` for this command line: the front end `choose_front_end` picked,
    --auto-approve, and `fields` (make_cloud, options, and a new session's sessions_dir or a
    resumed one's resume state and flags, a rehearsal's wrap_operator and debrief)."""
    from tui.commands.session_flow import SessionRequest

    fields.setdefault("notify", config_notify(args))
    return SessionRequest(
        runbook=runbook,
        clock=clock,
        front=args.front,
        plain_reason=args.plain_reason,
        auto_approve=args.auto_approve,
        json_lines=getattr(args, "json", False),
        **fields,
    )


def config_notify(args: argparse.Namespace) -> Any:
    """The config file's `[[notify]]` targets as the session's `NotifyOptions` (told beside the
    runbook's: docs/notify.md), or None; a bad one is exit 2 at its FILE:LINE."""
    config = getattr(args, "config", None)
    if config is None or not config.notify:
        return None
    from tui.notify.sender import NotifyOptions
    from tui.runbook.notify import config_targets

    return NotifyOptions(extra=config_targets(config.notify, config.path))
