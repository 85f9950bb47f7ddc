"""`turnout drill list | run NAME | history`: the curriculum shipped with turnout, a drill played
through the same rehearsal as `turnout rehearse` (its session opening, its world, its debrief)
with a score and reasons added, and a trainee's results over time.

Heavy imports (the world, the engine, Textual) happen inside the handlers.
"""

from __future__ import annotations

import argparse
import sys

from tui.commands.leases import add_lease_flags
from tui.commands.session_args import (
    add_session_flags,
    add_sessions_dir_flag,
    apply_config,
    print_problems,
    someone_answers,
)
from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout drill` and its three commands."""
    drill = subparsers.add_parser(
        "drill",
        help="practise: a curriculum of rehearsals, each scored with reasons, and your history",
        description="Drills that teach: each is a shipped runbook rehearsed against a fault (or "
        "a blind draw), scored on the decisions made, not only the clock, and kept in the "
        "trainee's history. Start with `turnout drill run first-canary`.",
    )
    commands = drill.add_subparsers(dest="drill_command", metavar="COMMAND")
    drill.set_defaults(handler=lambda _args: _usage(drill))

    listing = commands.add_parser("list", help="the curriculum: each drill's lesson and goal")
    listing.set_defaults(handler=list_command)

    run = commands.add_parser(
        "run",
        help="play a drill (in the app, or --plain, or --headless --auto-approve)",
        description="Rehearse the drill's runbook against its scenario, then the debrief with "
        "a score and the reasons for it; the result goes into the trainee's history.",
    )
    run.add_argument("name", metavar="NAME", help="a drill of `turnout drill list`")
    run.add_argument(
        "--blind",
        action="store_true",
        help="draw the scenario from the drill's set (healthy included) and say which only "
        "in the debrief",
    )
    run.add_argument("--trainee", metavar="NAME", help="whose history it goes in (the OS user)")
    run.add_argument(
        "--speed",
        type=float,
        default=None,
        metavar="X",
        help="world time runs X times faster (as `turnout rehearse --speed`)",
    )
    add_session_flags(run)
    add_lease_flags(run, rehearsal=True)
    run.set_defaults(handler=run_command)

    history = commands.add_parser(
        "history",
        help="a trainee's results: best and latest per drill, what was missed",
        description="The trainee's drill results from the sessions directory, as a table, or "
        "as one self-contained HTML page with a chart (--format html).",
    )
    history.add_argument("--trainee", metavar="NAME", help="whose history (the OS user)")
    history.add_argument("--format", choices=("table", "html"), default="table")
    history.add_argument("-o", "--output", metavar="FILE", help="write the page to FILE")
    add_sessions_dir_flag(history)  # where `drill run` keeps results: config and env alike
    history.set_defaults(handler=history_command)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return ExitCode.INVALID_INPUT


def _curriculum():  # type: ignore[no-untyped-def]
    from tui.rehearsal.curriculum import load_curriculum

    return load_curriculum()


def list_command(args: argparse.Namespace) -> int:
    """`turnout drill list`: every drill, in the order a trainee takes them."""
    from rich.console import Console
    from rich.markup import escape

    from tui.runbook.problems import RunbookInvalid

    try:
        drills = _curriculum()
    except RunbookInvalid as exc:
        return print_problems(exc)
    console = Console(soft_wrap=True, highlight=False)
    for drill in drills:
        variant = drill.variant
        kind = "faults of" if len(variant.scenarios) > 1 else "scenario"
        console.print(f"[bold]{drill.name}[/bold]  {escape(drill.title)}")
        console.print(
            f"  runbook {drill.runbook} · {kind} {', '.join(variant.scenarios)} · a good "
            f"session ends {variant.expect.replace('_', ' ')} · error budget "
            f"{100 * drill.budget:g} %"
        )
        console.print(f"  lesson: {escape(' '.join(drill.lesson.split()))}")
        console.print(f"  good outcome: {escape(drill.good)}")
        blind = ", ".join(v.name for v in drill.draws)
        console.print(f"  --blind draws from: {blind}", style="dim")
        console.print()
    console.print("play one: turnout drill run NAME  (start with: turnout drill run first-canary)")
    return ExitCode.COMPLETED


def run_command(args: argparse.Namespace) -> int:
    """`turnout drill run NAME`: the drill as a rehearsal, scored."""
    from tui.audit.session_log import os_user
    from tui.audit.sessiondir import sessions_root
    from tui.commands.drill_coach import DrillCoach, coaching, trainee_name
    from tui.commands.rehearse import rehearsal_flags
    from tui.commands.rehearse import rehearse as run_rehearsal
    from tui.commands.session_flow import require_answerable
    from tui.rehearsal.curriculum import find_drill, runbook_path, variant_spec
    from tui.rehearsal.drill_history import check_trainee
    from tui.rehearsal.scenario_loader import check_steps
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    poll = rehearsal_flags(args)  # config, front end, speed: as `turnout rehearse`
    trainee = trainee_name(os_user()) if args.trainee is None else check_trainee(args.trainee)
    try:
        drill = find_drill(args.name, _curriculum())
        variant = drill.draw() if args.blind else drill.variant
        path = runbook_path(drill)
        sets = [f"{k}={v}" for k, v in drill.sets.items()] + list(args.set)
        runbook = load_runbook_with_set(str(path), sets)
        require_answerable(runbook, someone_answers(args))
        spec = variant_spec(variant)
        check_steps(spec, str(path), (s.id for s in (*runbook.order, *runbook.rollback)))
    except RunbookInvalid as exc:
        return print_problems(exc)
    coach = DrillCoach(
        drill, variant, blind=args.blind, trainee=trainee, sessions=sessions_root(args.sessions_dir)
    )
    return run_rehearsal(
        runbook, spec, args.speed, 0.0, poll, args.sessions_dir, args, coaching(coach)
    )


def history_command(args: argparse.Namespace) -> int:
    """`turnout drill history`: best and latest per drill, and what was missed."""
    from pathlib import Path

    from tui.audit.session_log import os_user
    from tui.audit.sessiondir import sessions_root
    from tui.commands.drill_coach import trainee_name
    from tui.commands.drill_history_view import history_html, print_history
    from tui.rehearsal.drill_history import check_trainee, read_history

    apply_config(args)  # the sessions directory `drill run` wrote to (flag > env > file)
    trainee = trainee_name(os_user()) if args.trainee is None else check_trainee(args.trainee)
    history = read_history(sessions_root(args.sessions_dir), trainee)
    if args.format == "html":
        page = history_html(history)
        if args.output:
            Path(args.output).write_text(page, encoding="utf-8")
            print(f"wrote {args.output}")
        else:
            sys.stdout.write(page)
        return ExitCode.COMPLETED
    print_history(history)
    return ExitCode.COMPLETED
