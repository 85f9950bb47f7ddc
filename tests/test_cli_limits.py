"""The command line's own bounds: numeric flags in range, and a reader that stops reading early
ends a command quietly (issue: hostile input stays bounded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CANARY = str(ROOT / "runbooks" / "alb-canary.yaml")


def _turnout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


@pytest.mark.parametrize("speed", ["1e-300", "0", "-5", "nan", "inf", "1000"])
def test_a_speed_out_of_range_is_refused_by_name(speed: str) -> None:
    done = _turnout("rehearse", CANARY, "--headless", "--auto-approve", f"--speed={speed}")
    assert done.returncode == 2, done.stderr
    assert "--speed must be from 0.1 to 100" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_poll_under_a_second_is_refused() -> None:
    done = _turnout("rehearse", CANARY, "--headless", "--auto-approve", "--poll", "0s")
    assert done.returncode == 2, done.stderr
    assert "--poll: 0s is too often" in done.stderr


@pytest.mark.parametrize("form", [["--json"], []], ids=["json", "rich"])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path, form: list[str]) -> None:
    """`turnout plan ... [--json] | head -1`: the pipe closes under the writer. The benchmark's
    large runbook makes a plan of megabytes, far past what a pipe holds, so the writer is
    still writing when the reader leaves. The rich table met it inside rich, which exits 1
    (`Console.on_broken_pipe`); both forms end 141, like a process SIGPIPE ended."""
    sys.path.insert(0, str(ROOT))
    from bench.plan_large import generate

    large = tmp_path / "large.yaml"
    large.write_text(generate(1))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "plan", str(large), *form],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # the reader goes away before the plan is all written
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert code == 141, (code, stderr)
