"""`turnout runbooks`: the runbooks and scenarios shipped with turnout, one line each, so a
person who installed it as a tool (`pipx install`, `uv tool install`) can rehearse one by name
from any directory: `turnout rehearse alb-canary --scenario bad-ami`."""

from __future__ import annotations

import argparse

from tui.exitcodes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout runbooks`."""
    runbooks = subparsers.add_parser(
        "runbooks",
        help="list the shipped runbooks and scenarios (give them by name to rehearse)",
        description="List the runbooks and fault scenarios shipped with turnout, one line each. "
        "Give either by name: `turnout rehearse alb-canary --scenario bad-ami` works from any "
        "directory. A runbook in ./runbooks/ of the same name is found first.",
    )
    runbooks.add_argument(
        "--paths", action="store_true", help="print each runbook's file instead of its title"
    )
    runbooks.set_defaults(handler=run_runbooks)


def run_runbooks(args: argparse.Namespace) -> int:
    """Print `NAME  TITLE` per runbook, then the scenarios."""
    from tui.rehearsal.scenario_loader import shipped_scenarios_dir
    from tui.runbook.shipped import read_title, shipped_runbooks

    shipped = shipped_runbooks()
    width = max((len(r.name) for r in shipped), default=0)
    print("runbooks (turnout rehearse NAME, turnout plan NAME):")
    for runbook in shipped:
        print(f"  {runbook.name:<{width}}  {runbook.path if args.paths else runbook.title}")
    scenarios = sorted(shipped_scenarios_dir().glob("*.yaml"))
    width = max((len(p.stem) for p in scenarios), default=0)
    print("scenarios (--scenario NAME):")
    for path in scenarios:
        print(f"  {path.stem:<{width}}  {path if args.paths else read_title(path)}")
    return ExitCode.COMPLETED
