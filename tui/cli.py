"""The `turnout` command: argument parsing and exit codes; each command lives in tui/commands/.

A command module exposes `register(subparsers)`, which adds its sub-command(s) and sets
`handler` to a function taking the parsed arguments and returning an exit code. Command modules
import their heavy dependencies (Textual, boto3, moto) inside the handler, so `turnout validate`
does not pay for starting a UI or an AWS world.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from tui import __version__
from tui.errors import TurnoutError
from tui.exitcodes import ExitCode

# The order here is the order of `turnout --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "session",
    "replay",
    "watch",
    "new",
    "runbook",
    "world",
    "audit",
    "runbooks",
    "config",
    "completion",
    "drill",
    "policy",
    "approve",
)

EXIT_CODES_HELP = """exit codes:
  0    completed
  1    internal error (a bug in turnout)
  2    invalid input or usage: nothing was changed
  3    rolled back
  4    failed and left for the operator (e.g. a rollback that failed)
  5    refused by a precondition: the refused step changed nothing
  130  interrupted: the session is saved and resumable"""


class _Parser(argparse.ArgumentParser):
    """argparse, sized to the terminal without `shutil`: argparse imports it (and with it bz2 and
    lzma) for `get_terminal_size` at the first `add_argument`, a tenth of `turnout validate`'s
    start-up. Sub-command parsers are of the same class (argparse makes them `type(self)`)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        return self.formatter_class(prog=self.prog, width=_columns() - 2)


def _columns() -> int:
    """What `shutil.get_terminal_size().columns` says: $COLUMNS, the terminal, or 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every sub-command registered."""
    parser = _Parser(
        prog="turnout",
        description=(
            "Walk through a zero-downtime AWS upgrade one confirmed step at a time, from a YAML "
            "runbook; rehearse it offline against an embedded AWS world; keep an audit trail."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"turnout {__version__}")
    parser.set_defaults(parser=parser)  # commands that read the whole parser (completion)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"tui.commands.{name}").register(subparsers)
    _add_no_color(parser)
    return parser


NO_COLOR_HELP = "no colour in any output, nor in the app (as NO_COLOR=1 does)"


def _add_no_color(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    """`--no-color` before the command or after it, on every command and sub-command (below
    the top it defaults to SUPPRESS, so it never undoes one given before the command)."""
    parser.add_argument(
        "--no-color",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help=NO_COLOR_HELP,
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                _add_no_color(sub, top=False)


def _report_internal_error(exc: BaseException) -> str:
    """Keep the traceback for a bug report without showing it on the operator's screen."""
    import tempfile  # here, not at the top: start-up pays for nothing a crash alone needs
    import traceback

    from tui.runbook.secrets import MaskedStream

    fd, path = tempfile.mkstemp(prefix="turnout-error-", suffix=".txt")

    with os.fdopen(fd, "w") as fh:
        traceback.print_exception(exc, file=MaskedStream(fh))
    return path


def _pick_and_go() -> int:
    """`turnout` alone on a terminal: choose a runbook in ./runbooks (else among the shipped
    ones, for turnout installed as a tool), then rehearse or run it."""
    from tui.app.picker import run_picker

    if os.path.isdir("runbooks"):
        directory: str | os.PathLike[str] = "runbooks"
    else:
        from tui.runbook.shipped import shipped_runbooks_dir

        directory = shipped_runbooks_dir()
    choice = run_picker(directory)
    if choice is None:
        return ExitCode.COMPLETED
    return main(choice.argv())


EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (see `ExitCode`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return _pick_and_go()
        parser.print_help(sys.stderr)
        return ExitCode.INVALID_INPUT
    from tui.runbook.secrets import MaskedStream

    # Every secret value a command loads is masked in all it prints (tui/runbook/secrets.py).
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskedStream(sys.stdout), MaskedStream(sys.stderr)
    # --no-color is NO_COLOR (no-color.org) for this command: rich's consoles, Textual's app
    # (a monochrome filter) and prompt_toolkit's prompts all read it.
    saved_no_color = os.environ.get("NO_COLOR")
    if args.no_color:
        os.environ["NO_COLOR"] = "1"
    try:
        return _run(handler, args)
    finally:
        sys.stdout, sys.stderr = saved
        if args.no_color:
            if saved_no_color is None:
                os.environ.pop("NO_COLOR", None)
            else:
                os.environ["NO_COLOR"] = saved_no_color


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return int(handler(args))
    except BrokenPipeError:
        # The reader stopped reading (`turnout plan ... | head -1`): nothing is wrong with the
        # command, so no traceback. Point stdout at /dev/null so the interpreter's last flush
        # cannot fail again, and exit 141 (128 + SIGPIPE), what a process ended by SIGPIPE
        # reports, so `set -o pipefail` can still tell the output was cut short.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except SystemExit as exc:
        # rich's Console meets the same broken pipe itself, points stdout at /dev/null and
        # raises SystemExit(1) from it (`Console.on_broken_pipe`): the same cut-short output.
        if isinstance(exc.__context__, BrokenPipeError):
            return EXIT_BROKEN_PIPE
        raise
    except TurnoutError as exc:
        print(f"turnout: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("turnout: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # a bug in turnout: say so plainly, keep the details in a file
        path = _report_internal_error(exc)
        print(
            f"turnout: internal error: {type(exc).__name__}: {exc}\n"
            f"  This is a bug in turnout. The full traceback is in {path}; please attach it "
            "to a bug report.",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
