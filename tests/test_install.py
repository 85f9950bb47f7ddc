"""turnout as a person installs it as a tool (`pipx install .`, `uv tool install .`): the wheel
built from the repository, installed into a fresh venv, run from a directory that has nothing
of the checkout in it, finds its runbooks and scenarios by name (package data).

To stay well under a minute the fresh venv borrows the test venv's dependencies through a .pth
line (boto3, moto and Textual are not reinstalled), and the wheel is installed with --no-deps;
`tui` itself then comes only from the wheel, which the first check proves."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

from tui import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BUDGET_CPU_SECONDS = 40.0
"""What the build, the install and the rehearsal may cost, in CPU seconds of the child processes
(≈12 s measured; 14 s of wall time on a quiet machine). CPU time, not wall time: on the shared
2-core box at load 10 the same run took 65 s of wall time, and a test must not fail for that."""


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _source_copy(into: Path) -> Path:
    """What the wheel is built from, copied: building in the checkout leaves build/ and
    egg-info behind while other workers read the tree."""
    src = into / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "tui", src / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    return src


def test_the_wheel_installs_into_a_fresh_venv_and_rehearses_by_name(tmp_path: Path) -> None:
    began, used = time.monotonic(), _children_cpu()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("VIRTUAL")}
    src = _source_copy(tmp_path)
    wheels = tmp_path / "wheels"
    _run(
        sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", wheels, cwd=src, env=env
    )
    (wheel,) = wheels.glob("turnout-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tui/runbooks/alb-canary.yaml" in names
    assert "tui/rehearsal/scenarios/bad-ami.yaml" in names

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    site = _run(
        python,
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        cwd=tmp_path,
        env=env,
    ).strip()
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "borrowed-deps.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "-q",
        wheel,
        cwd=tmp_path,
        env=env,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    turnout = venv / "bin" / "turnout"
    where = _run(python, "-c", "import tui; print(tui.__file__)", cwd=elsewhere, env=env)
    assert where.startswith(site), f"tui imported from {where}, not the installed wheel"
    assert _run(turnout, "--version", cwd=elsewhere, env=env).strip() == f"turnout {__version__}"

    listed = _run(turnout, "runbooks", cwd=elsewhere, env=env)
    assert "alb-canary" in listed and "bad-ami" in listed

    done = subprocess.run(
        [
            str(turnout),
            "rehearse",
            "alb-canary",
            "--scenario",
            "bad-ami",
            "--headless",
            "--auto-approve",
            "--speed",
            "100",
            "--sessions-dir",
            str(tmp_path / "sessions"),
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stdout + done.stderr  # the bad AMI is caught: rolled back
    assert "Debrief: scenario bad-ami" in done.stdout
    (log,) = (tmp_path / "sessions").glob("*/audit.jsonl")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    (start,) = (r for r in records if r["type"] == "session.start")
    assert start["payload"]["runbook"]["path"] == f"{site}/tui/runbooks/alb-canary.yaml"
    cpu, wall = _children_cpu() - used, time.monotonic() - began
    assert cpu <= BUDGET_CPU_SECONDS, f"install and rehearsal took {cpu:.1f} s CPU ({wall:.1f} s)"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
