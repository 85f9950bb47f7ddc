"""`turnout completion bash|zsh|fish` (shtab, from the parser) and the man page (argparse-manpage,
`make man`): commands, flags, runbook names and files, scenario names complete; the shells
accept the scripts; `turnout --help` never loads shtab."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser
from tui.commands.completion import completion_script

REPO = Path(__file__).resolve().parents[2]

BASH_TRY = r"""
source "$1"
try() {
  COMP_WORDS=("${@}"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _shtab_turnout
  echo "${COMPREPLY[*]}"
}
try turnout re
try turnout rehearse alb
try turnout rehearse alb-canary --sc
try turnout rehearse alb-canary --scenario ba
try turnout completion ""
try turnout validate own
"""


@pytest.mark.slow
def test_bash_completes_commands_flags_runbooks_scenarios_and_files(tmp_path) -> None:
    script = tmp_path / "turnout.bash"
    script.write_text(completion_script(build_parser(), "bash"))
    (tmp_path / "own-runbook.yaml").write_text("runbook: x\n")
    driver = tmp_path / "try.sh"
    driver.write_text(BASH_TRY)
    done = subprocess.run(
        ["bash", str(driver), str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert set(lines[0].split()) == {"rehearse", "resume", "replay"}
    assert lines[1].split() == ["alb-canary"]
    assert "--scenario" in lines[2].split()
    assert lines[3].split() == ["bad-ami"]
    assert lines[4].split() == ["bash", "zsh", "fish"]
    assert lines[5].split() == ["own-runbook.yaml"]


@pytest.mark.parametrize(
    ("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])]
)
def test_zsh_and_fish_accept_their_scripts(tmp_path, shell, check) -> None:
    text = completion_script(build_parser(), shell)
    assert "alb-canary" in text and "bad-ami" in text and "--sessions-dir" in text
    if shutil.which(check[0]) is None:
        pytest.skip(f"{check[0]} is not installed")
    script = tmp_path / f"turnout.{shell}"
    script.write_text(text)
    done = subprocess.run([*check, str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_the_command_prints_the_script(turnout) -> None:
    result = turnout("completion", "bash")
    assert result.code == 0 and "_shtab_turnout" in result.out
    with pytest.raises(SystemExit) as refused:
        turnout("completion", "tcsh")
    assert refused.value.code == 2


def test_help_does_not_load_shtab() -> None:
    probe = (
        "import sys\nfrom tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('shtab' in sys.modules, 'build_manpages' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.strip().splitlines()[-1] == "False False"


def test_the_man_page_is_generated_from_the_parser() -> None:
    from build_manpages.manpage import Manpage

    page = str(Manpage(build_parser()))
    assert page.startswith(".TH")
    for command in ("rehearse", "validate", "runbooks", "config", "completion"):
        assert f"\\fI\\,{command}\\/\\fR" in page
    assert "argparse-manpage" in (REPO / "Makefile").read_text()
