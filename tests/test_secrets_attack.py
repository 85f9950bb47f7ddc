"""The secret-leak attack (issue 14): a secret param's value never reaches disk or screen.

Every command a person runs on a runbook with two secrets (tests/attack_runbook.py) is run as
a real process: validate, plan, plan --json, a headless and a piped plain rehearsal, audit
verify, audit report (Markdown and HTML), replay, the error paths (a pattern mismatch, a
secret too short), and a `turnout run` against `turnout world` on a role session, whose
secret access key and session token are hunted too. Then every file under the work directory
and every stdout and stderr is searched for the values: none may hold them. The alarm's
description, which holds both, still reaches AWS whole (tests/engine/test_secrets_engine.py
asks the world).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attack_runbook import ROOT, leaks, secrets, sets, write_attack_runbook
from tests.world_process import role_session_env, turnout_world
from tui.audit.chain import read_log
from tui.runbook.secrets import MASK

pytestmark = pytest.mark.slow


def _turnout(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env=_env(),
    )


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"}


def test_no_command_shows_or_writes_a_secret(tmp_path: Path) -> None:
    values = secrets()
    runbook = write_attack_runbook(tmp_path).name
    given = sets(values)
    texts: dict[str, str] = {}

    def run(name: str, *args: str, code: int = 0) -> str:
        done = _turnout(tmp_path, *args)
        texts[f"{name} stdout"], texts[f"{name} stderr"] = done.stdout, done.stderr
        assert done.returncode == code, f"{name}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    assert "ok  attack.yaml: alb-canary: 6 steps" in run("validate", "validate", runbook, *given)
    assert MASK in run("plan", "plan", runbook, *given)
    assert f'"value": "{MASK}"' in run("plan --json", "plan", runbook, "--json", *given)
    rehearse = ("rehearse", runbook, "--auto-approve", "--speed", "100", *given)
    # The two rehearsals side by side: each waits on its world's clock more than it computes.
    together = {
        name: subprocess.Popen(
            [sys.executable, "-m", "tui", *rehearse, f"--{name}", "--sessions-dir", name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            env=_env(),
        )
        for name in ("headless", "plain")
    }
    for name, process in together.items():
        out, err = process.communicate(timeout=300)
        texts[f"{name} stdout"], texts[f"{name} stderr"] = out, err
        assert process.returncode == 0, f"{name}: {process.returncode}\n{out}\n{err}"
    sessions = [*tmp_path.glob("headless/*/"), *tmp_path.glob("plain/*/")]
    assert len(sessions) == 2
    for n, session in enumerate(sessions):
        run(f"verify {n}", "audit", "verify", str(session))
        report = run(f"report {n}", "audit", "report", str(session))
        assert MASK in report  # the masked text is there, in the log and the report
        run(f"html {n}", "audit", "report", str(session), "-o", str(session / "report.html"))
        run(f"replay {n}", "replay", str(session), code=2)  # needs a terminal: says so

    # A value the pattern refuses is not echoed in the message that names the param.
    wrong = {"db_password": f"S3cr3t-{values['api_token']}-NOT!", "api_token": values["api_token"]}
    refused = run("mismatch", "validate", runbook, *sets(wrong), code=2)
    assert "--set db_password=" + MASK in refused and "does not match the pattern" in refused
    assert wrong["db_password"] not in refused
    short = run("short", "plan", runbook, *sets({**values, "api_token": "abc12"}), code=2)
    assert "params.api_token: a secret must be at least 6 characters" in short

    # `turnout run` against `turnout world` on a role session: its secret key and its token are
    # secrets too, and session.start records only how the credentials were got (aws.via).
    with turnout_world(speed=100) as world:
        role = role_session_env(world)
        live = subprocess.run(
            [sys.executable, "-m", "tui", "run", runbook, "--headless", "--auto-approve", *given],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            env={**role, "PYTHONPATH": str(ROOT)},
        )
    texts["run stdout"], texts["run stderr"] = live.stdout, live.stderr
    assert live.returncode == 0, f"run: {live.returncode}\n{live.stdout}\n{live.stderr}"
    log = read_log(next(tmp_path.glob("sessions/*/audit.jsonl")))
    [start] = [r for r in log.records if r.type == "session.start"]
    assert start.payload["aws"]["via"] == {
        "region": "us-east-1",
        "source": "env",
        "temporary": True,
        "endpoint": world["AWS_ENDPOINT_URL"],
    }
    values = {
        **values,
        "secret access key": role["AWS_SECRET_ACCESS_KEY"],
        "session token": role["AWS_SESSION_TOKEN"],
    }

    assert leaks(values, texts, tmp_path) == []
    assert wrong["db_password"] not in "".join(texts.values())
