"""What `turnout run`, `rehearse` and `resume` share: a session directory and its log, the call
recorder, the Cloud built on it, the headless front end, Ctrl-C, and the session itself.

Kept free of argument parsing so tests (and the resume test's child process) drive exactly
what the commands drive.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from tui.audit.resume import ResumeState
from tui.audit.session_log import SessionLog, file_sha256
from tui.audit.sessiondir import create_session_dir
from tui.aws.protocol import Cloud
from tui.clock import Clock
from tui.engine.auto_approve import AutoApproving
from tui.engine.control import STOP_SIGNALS
from tui.engine.options import SessionOptions
from tui.engine.ports import Operator
from tui.engine.recorder import SessionCallRecorder
from tui.engine.session import Session
from tui.errors import InputError
from tui.exitcodes import ExitCode
from tui.headless import HeadlessOperator, questions_in
from tui.runbook.model import Runbook

CloudMaker = Callable[[SessionCallRecorder], Cloud]


@dataclass
class Outcome:
    """How a session ended, and where its log is."""

    code: ExitCode
    session_dir: Path
    summary: str = ""
    recorder: SessionCallRecorder | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def require_answerable(runbook: Runbook, auto_approve: bool) -> None:
    """A headless run without --auto-approve must never need a person: refuse it up front."""
    if auto_approve:
        return
    asks = questions_in(runbook)
    if asks:
        shown = ", ".join(asks[:4]) + (f" and {len(asks) - 4} more" if len(asks) > 4 else "")
        raise InputError(
            f"{runbook.file}: this runbook asks a person ({shown}), and a headless run has "
            "nobody to ask. Add --auto-approve to answer yes to every confirmation (never to a "
            "failed precondition or a breached guardrail), or run it interactively."
        )


@contextmanager
def ctrl_c_asks(session: Session) -> Iterator[None]:
    """The first Ctrl-C asks the engine's INTERRUPT question at its next safe point; a second
    one interrupts at once (the log stays resumable). SIGTERM and SIGHUP pause the session at
    its next safe point (exit 130, resumable); a second one ends the process at once."""

    def first(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        session.request_interrupt()

    def stop(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        signal.signal(signum, signal.SIG_DFL)
        session.request_pause(f"paused by {STOP_SIGNALS.get(name, name)}")

    try:
        previous = {signal.SIGINT: signal.signal(signal.SIGINT, first)}
    except ValueError:  # not the main thread (tests): no signal handling
        yield
        return
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) != signal.SIG_IGN:  # nohup: ignored
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def start_session(
    runbook: Runbook,
    *,
    clock: Clock,
    make_cloud: CloudMaker,
    sessions_dir: str | None,
    options: SessionOptions,
    auto_approve: bool,
    console: Console | None = None,
    operator: Operator | None = None,
) -> Outcome:
    """Create the session directory and log, build the Cloud on the recorder, run it with
    `operator` (headless when none is given)."""
    session_dir = create_session_dir(runbook.name, clock.now(), sessions_dir)
    log = SessionLog.create(session_dir, clock)
    recorder = SessionCallRecorder(log)
    try:
        cloud = make_cloud(recorder)
        opts = _with(
            options,
            session_dir=str(session_dir),
            runbook_path=options.runbook_path or runbook.file,
            runbook_sha256=options.runbook_sha256 or file_sha256(runbook.file),
            argv=tuple(options.argv) or tuple(sys.argv),
        )
        operator = _answering(operator, console, clock, auto_approve)
        session = Session(runbook, cloud, operator, clock, log, opts, recorder=recorder)
        with ctrl_c_asks(session):
            code = session.run()
        return Outcome(code, session_dir, session.summary, recorder)
    finally:
        log.close()


def resume_session(
    runbook: Runbook,
    state: ResumeState,
    *,
    clock: Clock,
    make_cloud: CloudMaker,
    options: SessionOptions,
    auto_approve: bool,
    repair_log: bool = False,
    break_stale_lock: bool = False,
    console: Console | None = None,
    operator: Operator | None = None,
) -> Outcome:
    """Reopen the log (`session.resume`), build the Cloud, carry the session on."""
    session_dir = state.path.parent
    log = SessionLog.resume(
        session_dir, clock, repair_torn=repair_log, break_stale_lock=break_stale_lock
    )
    recorder = SessionCallRecorder(log)
    try:
        cloud = make_cloud(recorder)
        opts = _with(options, session_dir=str(session_dir))
        operator = _answering(operator, console, clock, auto_approve)
        session = Session(runbook, cloud, operator, clock, log, opts, recorder=recorder)
        with ctrl_c_asks(session):
            code = session.resume(state)
        return Outcome(code, session_dir, session.summary, recorder)
    finally:
        log.close()


def _answering(
    operator: Operator | None, console: Console | None, clock: Clock, auto_approve: bool
) -> Operator:
    """The front end's operator (headless when none is given), behind `AutoApproving` when
    --auto-approve was given: the same rule for every front end."""
    operator = operator or HeadlessOperator(console or Console(soft_wrap=True), clock=clock)
    return AutoApproving(operator, clock=clock) if auto_approve else operator


def _with(options: SessionOptions, **changes: Any) -> SessionOptions:
    from dataclasses import replace

    return replace(options, **changes)


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
