"""`turnout validate`, `turnout plan` and `turnout schema`: the runbook language at the terminal.

None of them calls AWS. Problems are printed as FILE:LINE:COL: message, every one of them, and
the command exits 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tui.commands.session_args import add_set_flag, print_problems
from tui.exitcodes import ExitCode

if TYPE_CHECKING:  # the runbook package is imported by the handlers, not by `turnout --help`
    from tui.runbook.model import Runbook


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add validate, plan and schema."""
    validate = subparsers.add_parser(
        "validate",
        help="check runbooks and report every problem as FILE:LINE:COL",
        description="Check each runbook: exit 0 with a one-line summary per valid file, or exit 2 "
        "listing every problem as FILE:LINE:COL: message. No AWS call is made.",
    )
    validate.add_argument("runbooks", nargs="+", metavar="RUNBOOK")
    add_set_flag(validate)
    validate.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default); json (turnout.validate) or sarif (SARIF 2.1.0, for code "
        "scanning) on standard output, one result per problem: docs/machine-output.md",
    )
    validate.set_defaults(handler=run_validate)

    plan = subparsers.add_parser(
        "plan",
        help="show everything a run will do, before anything runs",
        description="Lay out the whole run: checklist, waves, each step with its risk, the AWS "
        "operations it calls, its preconditions and guardrails, and its rollback. No AWS call.",
    )
    plan.add_argument("runbook", metavar="RUNBOOK")
    add_set_flag(plan)
    plan.add_argument(
        "--json", action="store_true", help="print the plan document (turnout.plan/1)"
    )
    plan.set_defaults(handler=run_plan)

    schema = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the runbook language (for editors)",
        description="Print the JSON Schema of a runbook. Point an editor at it with the first "
        "line `# yaml-language-server: $schema=PATH-OR-URL`.",
    )
    schema.set_defaults(handler=run_schema)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def summary_line(runbook: Runbook) -> str:
    """`ok  FILE: NAME: N steps (K irreversible), S services in W waves, R rollback steps`."""
    parts = [_count(len(runbook.steps), "step")]
    irreversible = sum(step.irreversible for step in runbook.steps)
    if irreversible:
        parts[0] += f" ({irreversible} irreversible)"
    if runbook.services:
        parts.append(
            f"{_count(len(runbook.services), 'service')} in {_count(len(runbook.waves), 'wave')}"
        )
    if runbook.rollback:
        parts.append(_count(len(runbook.rollback), "rollback step"))
    parts.append(_count(len(runbook.params), "param"))
    return f"ok  {runbook.file}: {runbook.name}: {', '.join(parts)}"


def run_validate(args: argparse.Namespace) -> int:
    """Validate each file; exit 2 if any has a problem (in every format)."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.problems import RunbookInvalid

    if args.format != "text":
        return _validate_for_machines(args)
    failed = 0
    for path in args.runbooks:
        try:
            runbook = load_runbook_with_set(path, args.set)
        except RunbookInvalid as exc:
            print_problems(exc)
            failed += 1
        else:
            print(summary_line(runbook))
    if failed:
        print(f"{failed} of {len(args.runbooks)} runbooks have problems", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    return ExitCode.COMPLETED


def _validate_for_machines(args: argparse.Namespace) -> int:
    """`--format json|sarif`: one document on stdout, nothing else."""
    import json
    from pathlib import Path

    from tui import __version__
    from tui.errors import Location
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.machine_output import Checked, validate_json, validate_sarif
    from tui.runbook.problems import Problem, RunbookInvalid
    from tui.runbook.shipped import UnknownRunbook

    checked = []
    for path in args.runbooks:
        try:
            runbook = load_runbook_with_set(path, args.set)
        except RunbookInvalid as exc:
            checked.append(Checked(str(path), exc.problems))
        except UnknownRunbook as exc:  # a problem of this argument, in the document like any
            checked.append(Checked(str(path), [Problem(Location.of_file(path), exc.message)]))
        else:
            checked.append(Checked(runbook.file, (), runbook.name, summary_line(runbook)))
    doc = (
        validate_json(checked)
        if args.format == "json"
        else validate_sarif(checked, __version__, Path.cwd())
    )
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return ExitCode.INVALID_INPUT if any(c.problems for c in checked) else ExitCode.COMPLETED


def run_plan(args: argparse.Namespace) -> int:
    """Print the plan (rich, or the JSON document)."""
    from tui.runbook.loader import load_runbook_with_set
    from tui.runbook.plan import plan_document
    from tui.runbook.problems import RunbookInvalid

    try:
        runbook = load_runbook_with_set(args.runbook, args.set)
    except RunbookInvalid as exc:
        print_problems(exc)
        return ExitCode.INVALID_INPUT
    doc = plan_document(runbook)
    if args.json:
        print(plan_json(doc))
        return ExitCode.COMPLETED
    from rich.console import Console

    from tui.commands.plan_view import render_plan

    render_plan(doc, Console())
    return ExitCode.COMPLETED


def plan_json(doc: dict[str, Any]) -> str:
    """The plan document as JSON: a member per line, and each step (each list item) on one line.

    Indented by hand two levels deep, because `json.dumps(indent=...)` leaves the C encoder for
    the pure-Python one: 0.8 s for a plan of 2,000 steps, against a tenth of that (issue 20).
    """
    import json

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    members = []
    for key, value in doc.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            items = ",\n".join(f"    {dumps(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        elif isinstance(value, dict) and value:
            inner = ",\n".join(f"    {dumps(k)}: {dumps(v)}" for k, v in value.items())
            text = f"{{\n{inner}\n  }}"
        else:
            text = dumps(value)
        members.append(f"  {dumps(key)}: {text}")
    return "{\n" + ",\n".join(members) + "\n}"


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema."""
    from tui.runbook.schema import runbook_schema

    print(schema_text(runbook_schema()))
    return ExitCode.COMPLETED


def schema_text(schema: dict[str, Any]) -> str:
    """The schema as `turnout schema` prints it (and docs/runbook.schema.json holds it)."""
    import json

    return json.dumps(schema, indent=2, ensure_ascii=False)
