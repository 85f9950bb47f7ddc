"""The secret-leak attack's runbook: the ALB canary with two secrets in every place text can go.

`db_password` is declared `secret: true`; `api_token` is secret by its name alone. Both are
substituted into a checklist item, a step title, a confirmation's description, a manual step's
instructions and the description of a CloudWatch alarm, which really goes to AWS. The alarm step
runs first, so a session stopped at the canary's confirmation has sent it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def secrets() -> dict[str, str]:
    """Fresh values no file or stream could hold by chance."""
    return {"db_password": f"S3cr3t-{uuid.uuid4().hex}", "api_token": f"tok-{uuid.uuid4().hex}"}


def sets(values: dict[str, str]) -> list[str]:
    """The command line's `--set` flags for `values`."""
    return [flag for name, value in values.items() for flag in ("--set", f"{name}={value}")]


def write_attack_runbook(directory: Path) -> Path:
    """The attack runbook, written into `directory`."""
    text = (ROOT / "runbooks" / "alb-canary.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "params:\n",
        "params:\n"
        '  db_password: {secret: true, pattern: "^S3cr3t-[a-z0-9-]+$"}\n'
        "  api_token: {description: Secret by its name.}\n",
        1,
    )
    text = text.replace(
        "checklist:\n", "checklist:\n  - The database answers to ${db_password}.\n", 1
    )
    text = text.replace(
        "\nsteps:\n",
        "\nsteps:\n"
        "  - id: alarm\n"
        "    title: Alarm paging ${api_token}\n"
        "    action: cloudwatch.put_alarm\n"
        "    confirm: true\n"
        "    with:\n"
        "      name: web-5xx\n"
        "      namespace: AWS/ApplicationELB\n"
        "      metric: HTTPCode_ELB_5XX_Count\n"
        "      threshold: 5\n"
        '      description: "paged with ${db_password} via ${api_token}"\n'
        "    description: An alarm described with ${db_password}.\n\n",
        1,
    )
    text = text.replace(
        "      watched. After the last step",
        "      watched with ${db_password} and ${api_token}. After the last step",
    )
    text = text.replace(
        "        Leave **web-asg**",
        "        Log in with ${db_password} and ${api_token}. Leave **web-asg**",
    )
    # Short bakes: the attack is about text, not time.
    text = text.replace("bake: {default: 5m", "bake: {default: 1m")
    text = text.replace("full_bake: {default: 10m", "full_bake: {default: 1m")
    path = directory / "attack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def leaks(values: dict[str, str], texts: dict[str, str], directory: Path) -> list[str]:
    """Where any of `values` appears: in `texts` (name -> captured text) or in any file under
    `directory` (read as bytes, so a value in a binary or oddly encoded file is found too)."""
    found = [
        f"{where}: {name}"
        for where, text in texts.items()
        for name, v in values.items()
        if v in text
    ]
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path}: {name}" for name, v in values.items() if v.encode() in data]
    return found
