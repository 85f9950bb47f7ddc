"""`turnout world` in a child process, as an operator starts it in another terminal, and the
environment its printed exports give a `turnout run` (tests/rehearsal, tests/commands)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def role_session_env(
    env: dict[str, str], seconds: int = 900, name: str = "operator"
) -> dict[str, str]:
    """`env` with a fresh AssumeRole session from the world's STS in place of its long-term
    keys (what a role profile, or `aws sso login`, gives): temporary, expiring in `seconds`
    on the world's clock (tui/rehearsal/fidelity/role_sessions.py)."""
    import boto3

    sts = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).client("sts", endpoint_url=env["AWS_ENDPOINT_URL"])
    got = sts.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/turnout-operator",
        RoleSessionName=name,
        DurationSeconds=seconds,
    )["Credentials"]
    return {
        **env,
        "AWS_ACCESS_KEY_ID": got["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": got["SecretAccessKey"],
        "AWS_SESSION_TOKEN": got["SessionToken"],
    }


@contextmanager
def turnout_world(speed: float = 1.0, scenario: str = "healthy") -> Iterator[dict[str, str]]:
    """A `turnout world` started and ready; yields the environment of a shell that ran its
    exports (AWS_ENDPOINT_URL, its long-term keys, the region). Stopped with Ctrl-C after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "world", "--speed", f"{speed:g}", "--scenario", scenario],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().split()[-1]  # "rehearsal world ready at URL"
        assert endpoint.startswith("http://127.0.0.1:"), endpoint
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "AKIAREHEARSAL0000000",
            "AWS_SECRET_ACCESS_KEY": "rehearsal-not-a-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        env.pop("AWS_PROFILE", None)
        env.pop("AWS_SESSION_TOKEN", None)
        yield env
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
