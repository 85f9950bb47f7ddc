"""Whether a session log may be resumed, and with which runbook: checked before the log is
reopened for writing (docs/engine.md, "Resume")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.audit.resume import ResumeState
from tui.audit.session_log import file_sha256
from tui.errors import InputError
from tui.exitcodes import ExitCode, outcome_name


def check_resumable(state: ResumeState, runbook_sha256: str | None) -> None:
    """Raise InputError (exit 2) when `state` must not be carried on: the session ended (other
    than paused, exit 130), or the runbook on disk is not the one the session ran."""
    if state.ended and state.exit_code != ExitCode.INTERRUPTED:
        outcome = outcome_name(state.exit_code) if state.exit_code is not None else "?"
        raise InputError(
            f"{state.path}: this session already ended ({outcome}, exit {state.exit_code}); "
            "there is nothing to resume. Start a new session with `turnout run`."
        )
    if runbook_sha256 and state.runbook_sha256 and runbook_sha256 != state.runbook_sha256:
        raise InputError(
            f"{state.path}: the runbook changed since the session started (SHA-256 "
            f"{state.runbook_sha256[:12]}… then, {runbook_sha256[:12]}… now); resuming would "
            "run steps the session never confirmed. Restore the runbook or start a new session."
        )


def session_runbook(state: ResumeState, given: str | None = None) -> Path:
    """The runbook file a resumed session reloads: `given` (`--runbook`) when passed, else the
    path in `session.start`. Logs written since paths are stored absolute name it exactly; an
    older log's relative path is looked for from the directory that held `sessions/` (the
    session directory's grandparent: the default layout), then from the working directory,
    preferring the file whose SHA-256 is the session's. InputError (exit 2) when none is."""
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise InputError(f"--runbook {given}: no such file")
        return path.resolve()
    start = state.fold.start.payload if state.fold and state.fold.start else {}
    logged = str((start.get("runbook") or {}).get("path") or "")
    if not logged:
        raise InputError(f"{state.path}: the log names no runbook; pass it with --runbook PATH")
    path = Path(logged)
    candidates = [path] if path.is_absolute() else [state.path.parent.parent.parent / path, path]
    found = [c.resolve() for c in candidates if c.is_file()]
    for candidate in found:
        if state.runbook_sha256 and file_sha256(candidate) == state.runbook_sha256:
            return candidate
    if found:
        return found[0]  # check_resumable says it changed
    where = "" if path.is_absolute() else f" (looked in {', '.join(str(c) for c in candidates)})"
    raise InputError(
        f"{state.path}: the session's runbook {logged} is not there any more{where}; "
        "pass the file it ran with --runbook PATH (its SHA-256 must match the log's)"
    )


def override_text(value: Any) -> str:
    """A param's value as `--set` would write it (the inverse of the loader's reading)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{k}:{v}" for k, v in value.items())
    return str(value)


def overrides_from_log(
    logged: Mapping[str, Any], runbook_file: str | Path, given: Mapping[str, str]
) -> dict[str, str]:
    """The `--set` values that reproduce a session's params from its log (every param, as
    text), with those given again now winning (a redacted secret must be given again)."""
    durations = _duration_params(runbook_file)
    overrides: dict[str, str] = {}
    for name, value in logged.items():
        if name in given:
            continue
        if value == "[REDACTED]":
            raise InputError(
                f"param {name} was secret and is not in the log: give it again with "
                f"--set {name}=VALUE"
            )
        overrides[name] = f"{value}s" if name in durations else override_text(value)
    overrides.update(given)
    return overrides


def _duration_params(path: str | Path) -> set[str]:
    """Params declared `type: duration` (logged as whole seconds, written back with a unit)."""
    import yaml

    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    params = doc.get("params") if isinstance(doc, dict) else None
    if not isinstance(params, dict):
        return set()
    return {
        name
        for name, decl in params.items()
        if isinstance(decl, dict) and decl.get("type") == "duration"
    }


def first_start(state: ResumeState) -> datetime | None:
    """When the session first started, from its log's `session.start` (None if it has none):
    a resumed session's window counts from then."""
    start = state.fold.start if state.fold else None
    if start is None:
        return None
    return datetime.fromisoformat(start.ts.replace("Z", "+00:00"))
