"""What `turnout --help` and `turnout validate FILE` import (issue 20: start-up within 2x of
`import yaml`). A structural check, not a timing: each line here was a measured cost once
(shutil with bz2 and lzma through argparse, the audit package through `audit --remote`'s flags,
tempfile through importlib.resources, json, html, RE2 for a runbook without a `pattern:`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEVER = {"textual", "boto3", "botocore", "moto", "questionary", "rich", "jsonschema"}
NOT_AT_START = {"shutil", "tempfile", "json", "html", "re2", "bz2", "lzma", "tui.audit"}

RUNBOOK = """\
runbook: small
title: Small
target: {account: "123456789012", region: us-east-1}
steps:
  - id: bake
    action: wait
    with: {duration: 30s}
"""


def _imported(*argv: str) -> set[str]:
    code = (
        "import contextlib, io, sys\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        code = main(sys.argv[1:])\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "names = set(sys.modules) | {m.rsplit('.', 1)[0] for m in sys.modules}\n"
        "sys.__stdout__.write(__import__('json').dumps([code, sorted(names)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, check=True
    )
    code, names = json.loads(out.stdout)
    assert code in (0, None), out.stderr
    return set(names)


@pytest.mark.parametrize("argv", [["--help"], ["validate", "RUNBOOK"]])
def test_start_up_imports_only_what_the_command_needs(argv, tmp_path) -> None:
    runbook = tmp_path / "small.yaml"
    runbook.write_text(RUNBOOK)
    names = _imported(*[str(runbook) if a == "RUNBOOK" else a for a in argv])
    assert not names & NEVER, names & NEVER
    assert not names & NOT_AT_START, names & NOT_AT_START
