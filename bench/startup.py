"""Start-up: `turnout --help` and `turnout validate FILE` against `python -c "import yaml"`.

Issue 20's goal: both within 2x of importing PyYAML alone (what any YAML tool pays), with no
moto, boto3 or Textual on those paths. Each run is a fresh interpreter; the commands run in turn
and the ratios are taken run for run (medians of CPU seconds, the fairer figure on a shared
machine; wall alongside). `--against DIR` times another checkout's `turnout` in the same turns.

    PYTHONPATH=. python bench/startup.py [--repeat 15] [--runbook FILE] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench.children import measure, ratio_of

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("moto", "boto3", "botocore", "textual", "rich", "questionary", "jsonschema")


def _turnout(checkout: Path, *args: str) -> list[str]:
    code = f"import sys; sys.path.insert(0, {str(checkout)!r}); from tui.cli import main; "
    return [sys.executable, "-c", code + "sys.exit(main(sys.argv[1:]))", *args]


def _heavy_imports(checkout: Path, *args: str) -> list[str]:
    """The heavy packages a command imports (it runs in a child, with its output discarded)."""
    code = (
        f"import sys, io, contextlib; sys.path.insert(0, {str(checkout)!r})\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(sys.argv[1:])\n"
        "    except SystemExit: pass\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--runbook", type=Path, default=ROOT / "runbooks" / "alb-canary.yaml")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    commands = {
        "import yaml": [sys.executable, "-c", "import yaml"],
        "turnout --help": _turnout(ROOT, "--help"),
        "turnout validate": _turnout(ROOT, "validate", str(args.runbook)),
    }
    if args.against:
        theirs = args.against.resolve()
        commands["--help (against)"] = _turnout(theirs, "--help")
        commands["validate (against)"] = _turnout(theirs, "validate", str(args.runbook))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")  # a run must not compile the next's
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    if args.against:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(theirs / "tui")], check=True)
    runs = measure(commands, args.repeat, env)
    print(f"start-up, {args.repeat} runs each in turn, medians (cpu = user + system):")
    for name, series in runs.items():
        line = f"  {name:20} cpu {series.median('cpu') * 1e3:6.1f} ms   wall "
        line += f"{series.median('wall') * 1e3:6.1f} ms"
        if name != "import yaml":
            line += f"   {ratio_of(runs, name, 'import yaml'):.2f}x import yaml (cpu)"
        print(line)
    if args.against:
        for mine, theirs_name in (
            ("turnout --help", "--help (against)"),
            ("turnout validate", "validate (against)"),
        ):
            print(f"  {mine} / against: {ratio_of(runs, mine, theirs_name):.2f} (cpu)")
    print("  goal: --help and validate within 2x import yaml")
    for label, cmd in (("--help", ["--help"]), ("validate", ["validate", str(args.runbook)])):
        heavy = _heavy_imports(ROOT, *cmd)
        print(f"  {label} imports: {', '.join(heavy) or 'none'} (of {', '.join(HEAVY)})")


if __name__ == "__main__":
    main()
