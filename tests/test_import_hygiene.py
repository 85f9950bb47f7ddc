"""The layering of docs/architecture.md#layers, checked at run time in a clean interpreter (as
harlequin does).

import-linter checks the static imports (pyproject.toml); this catches what it cannot see, such
as a module importing boto3 lazily at import time through a helper.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PURE = ["tui.runbook", "tui.audit", "tui.engine", "tui.clock", "tui.errors", "tui.exitcodes"]
HEAVY = ["textual", "boto3", "botocore", "moto", "questionary"]


def _loaded_after_import(module: str) -> set[str]:
    code = (
        f"import json, sys, importlib; importlib.import_module({module!r}); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", PURE)
def test_pure_core_imports_no_ui_and_no_aws(module: str) -> None:
    assert _loaded_after_import(module).isdisjoint(HEAVY)


def test_aws_adapters_import_no_ui() -> None:
    assert _loaded_after_import("tui.aws").isdisjoint({"textual", "questionary"})


def test_cli_starts_without_ui_or_aws() -> None:
    """`turnout validate` must not pay for Textual or boto3 at start-up."""
    assert _loaded_after_import("tui.cli").isdisjoint(HEAVY)


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
