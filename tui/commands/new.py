"""`turnout new [FILE] [--from-aws] [--pattern P]`: write a first runbook with a wizard.

The runbook is checked by the same loader as `turnout validate` before it is written, and an
existing file is only replaced when the person says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.errors import InputError
from tui.exitcodes import ExitCode
from tui.wizard.patterns import PATTERNS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `new`."""
    new = subparsers.add_parser(
        "new",
        help="write a new runbook with a wizard",
        description="Ask which upgrade pattern, the resource names and the guardrails, then "
        "write a runbook (with comments explaining each choice) that `turnout validate` "
        "accepts. With --from-aws the names are picked from the account (standard credential "
        "chain, AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL).",
    )
    new.add_argument("file", nargs="?", metavar="FILE", help="where to write (asked if omitted)")
    new.add_argument(
        "--from-aws", action="store_true", help="offer the account's resources to pick from"
    )
    new.add_argument("--pattern", choices=list(PATTERNS), help="skip the pattern question")
    new.add_argument("--profile", help="AWS profile for --from-aws")
    new.add_argument("--region", help="AWS region for --from-aws")
    new.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace, *, input: object = None, output: object = None) -> int:
    """Ask, build, check, and write (asking before replacing a file)."""
    import questionary
    from rich.console import Console

    from tui.runbook.problems import RunbookInvalid
    from tui.wizard.ask import Cancelled, Wizard
    from tui.wizard.build import check, render

    console = Console(highlight=False)
    io = {"input": input, "output": output}
    inventory = None
    if args.from_aws:
        from tui.aws.clients import ClientFactory
        from tui.aws.inventory import Inventory

        inventory = Inventory(ClientFactory(region=args.region, profile=args.profile))
    wizard = Wizard(console, inventory, **io)

    def may_write(target: Path) -> bool:
        if not target.exists():
            return True
        return bool(
            wizard.ask(questionary.confirm(f"{target} exists. Replace it?", default=False, **io))
        )

    try:
        # Asked first when the file is named, so nobody answers everything to be refused.
        if args.file and not may_write(Path(args.file)):
            console.print(f"Left {args.file} as it was; nothing was written.", markup=False)
            return ExitCode.INVALID_INPUT
        answers = wizard.run(args.pattern)
        target = Path(args.file) if args.file else None
        while target is None:
            target = Path(wizard.text("Write the runbook to", f"{answers.name}.yaml", bool))
            if not may_write(target):
                target = None
        text = render(answers, target)
        try:
            runbook = check(text, target)
        except RunbookInvalid as exc:  # a template bug or an answer the loader refuses
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            raise InputError(
                "the runbook these answers make does not validate (above); nothing was written"
            ) from exc
    except Cancelled:
        console.print("Cancelled; nothing was written.", markup=False)
        return ExitCode.INTERRUPTED
    if target.parent and not target.parent.exists():
        raise InputError(f"{target.parent} does not exist: create it or choose another path")
    target.write_text(text, encoding="utf-8")
    steps = len(runbook.steps)
    console.print(f"Wrote {target}: {runbook.name}, {steps} steps; it validates.", markup=False)
    console.print(
        f"Next: read it, then `turnout plan {target}` and `turnout rehearse {target}`.",
        markup=False,
    )
    return ExitCode.COMPLETED
