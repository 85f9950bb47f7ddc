"""The engine's pen: one typed method per event, so every session log says the same things the
same way (docs/audit.md lists each payload).

Every method returns the durable `Record` it wrote. The AWS-facing methods (API calls, undo data,
rollback) live in session_log_aws.py, the evidence (preconditions, guardrail polls) in
session_log_evidence.py, the leases in session_log_lease.py and the webhooks told in
session_log_notify.py; all are inherited.
Human answers (checklist, confirmations, notes) are written with the person as actor; everything
else with actor `turnout`. Durations the caller does not give are measured on the session's clock
from the record they answer (a prompt, an API intent), so tests on a `ManualClock` get exact
figures.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tui import __version__
from tui.audit.chain import Record
from tui.audit.events import Event, Mode, StepStatus
from tui.audit.session_log_approval import ApprovalRecords
from tui.audit.session_log_aws import AwsRecords
from tui.audit.session_log_evidence import EvidenceRecords
from tui.audit.session_log_lease import LeaseRecords
from tui.audit.session_log_notify import NotifyRecords
from tui.audit.writer import AuditWriter
from tui.clock import Clock
from tui.exitcodes import outcome_name


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (the runbook exactly as it was run)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def os_user() -> str:
    """The operator's login name, as the OS knows it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


class SessionLog(AwsRecords, EvidenceRecords, LeaseRecords, NotifyRecords, ApprovalRecords):
    """A session's audit log, open for writing by this process (it holds the lock)."""

    def __init__(self, writer: AuditWriter, clock: Clock, operator: str | None = None) -> None:
        self.writer = writer
        self.clock = clock
        self.operator = operator or os_user()

    @classmethod
    def create(
        cls,
        session_dir: str | Path,
        clock: Clock,
        *,
        operator: str | None = None,
        break_stale_lock: bool = False,
    ) -> SessionLog:
        """Open a new session's log; the first call should be `session_start`."""
        return cls(
            AuditWriter.create(session_dir, clock, break_stale_lock=break_stale_lock),
            clock,
            operator,
        )

    @classmethod
    def resume(
        cls,
        session_dir: str | Path,
        clock: Clock,
        *,
        operator: str | None = None,
        repair_torn: bool = False,
        break_stale_lock: bool = False,
    ) -> SessionLog:
        """Reopen a session's log to carry on, recording `session.resume` (see resume.py for the
        state to resume from; read it before calling this)."""
        writer = AuditWriter.reopen(
            session_dir, clock, repair_torn=repair_torn, break_stale_lock=break_stale_lock
        )
        log = cls(writer, clock, operator)
        log._append(
            Event.SESSION_RESUME,
            {
                "from_seq": writer.last_seq,
                "os_user": os_user(),
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "tool_version": __version__,
            },
        )
        return log

    @property
    def path(self) -> Path:
        """The audit.jsonl being written."""
        return self.writer.path

    def close(self) -> None:
        """Stop writing and release the lock (after `session_end`, or on interruption)."""
        self.writer.close()

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        if actor is None:
            return self.writer.append(event, payload)
        return self.writer.append(event, payload, actor)

    def _since(self, record: Record) -> float:
        return round((self.clock.now() - record.time).total_seconds(), 6)

    # -- the session -------------------------------------------------------------------------

    def session_start(
        self,
        *,
        runbook_path: str | Path,
        runbook_name: str,
        params: Mapping[str, Any],
        mode: Mode | str,
        region: str,
        account: str | None = None,
        arn: str | None = None,
        runbook_sha256: str | None = None,
        scenario: str | None = None,
        window_s: float | None = None,
        host: str | None = None,
        user: str | None = None,
        pid: int | None = None,
        argv: Sequence[str] | None = None,
        endpoint: str | None = None,
        profile: str | None = None,
        credentials: Mapping[str, Any] | None = None,
        audit_copies: Mapping[str, Any] | None = None,
    ) -> Record:
        """The first record: what runs, with which parameters, by whom, where, against what.

        `runbook_sha256` is computed from the file when not given; `account`/`arn` come from
        STS GetCallerIdentity (the engine asks; the log does not know AWS). `host`, `user`,
        `pid` and `argv` default to this process's; tests pass them to get fixed logs.
        `endpoint` (AWS_ENDPOINT_URL) and `profile` say which AWS the calls went to, when not
        the default one: a local endpoint is not production, and the record must say so.
        `credentials` (the Cloud's `Identity.via`) says how: profile, the credential source,
        temporary or not, endpoint, CA bundle, as `aws.via`; never a key or a token.
        `audit_copies` (the runbook's `audit:`) says where the log is shipped, so
        `verify --remote` finds the copies.
        """
        aws: dict[str, Any] = {"account": account, "arn": arn, "region": region}
        if endpoint:
            aws["endpoint"] = endpoint
        if profile:
            aws["profile"] = profile
        if credentials:
            # How the calls reached AWS: credential source, profile, temporary, endpoint, CA bundle.
            aws["via"] = dict(credentials)
        extra = {"audit_copies": dict(audit_copies)} if audit_copies else {}
        return self._append(
            Event.SESSION_START,
            {
                **extra,
                "runbook": {
                    "name": runbook_name,
                    "path": str(runbook_path),
                    "sha256": runbook_sha256 or file_sha256(runbook_path),
                },
                "params": dict(params),
                "mode": str(Mode(mode)),
                "scenario": scenario,
                "aws": aws,
                "operator": self.operator,
                "os_user": user or os_user(),
                "host": host or socket.gethostname(),
                "pid": os.getpid() if pid is None else pid,
                "tool_version": __version__,
                "argv": list(sys.argv if argv is None else argv),
                "window_s": window_s,
            },
        )

    def session_end(
        self,
        exit_code: int,
        *,
        reason: str | None = None,
        outcome: str | None = None,
        aws_state: list[str] | None = None,
        overrides: int = 0,
    ) -> Record:
        """The last record: how the session ended, as the process exit code (exitcodes.py);
        `outcome` when it says more than the code (`completed_with_override`), the overrides
        counted over the whole session, and `aws_state`, what AWS showed at the end (the
        summary's lines, tui/engine/summary.py)."""
        if outcome is None:
            outcome = outcome_name(exit_code)
        payload: dict[str, Any] = {
            "exit_code": int(exit_code),
            "outcome": outcome,
            "reason": reason,
        }
        if aws_state is not None:
            payload.update(aws_state=list(aws_state), overrides=int(overrides))
        return self._append(Event.SESSION_END, payload)

    def note(self, text: str, *, step: str | None = None, who: str | None = None) -> Record:
        """A free-text note from the operator, attached to a step or to the session."""
        return self._append(Event.NOTE, {"text": text, "step": step}, who or self.operator)

    def fast_forward(self, step: str, phase: str, seconds_left: float, who: str) -> Record:
        """A rehearsal's wait or bake fast-forwarded by a person (`f`): the world ran the rest
        of it at its fastest speed, every period still simulated and watched."""
        payload = {"step": step, "phase": phase, "seconds_left": round(seconds_left, 1)}
        return self._append(Event.FAST_FORWARD, payload, who)

    def checklist_answer(
        self,
        index: int,
        item: str,
        confirmed: bool,
        *,
        elapsed_s: float | None = None,
        who: str | None = None,
    ) -> Record:
        """One compatibility-checklist item confirmed (or not) by a person."""
        return self._append(
            Event.CHECKLIST_ANSWER,
            {
                "index": index,
                "item": item,
                "confirmed": confirmed,
                "elapsed_s": elapsed_s,
            },
            who or self.operator,
        )

    # -- steps -------------------------------------------------------------------------------

    def step_start(
        self,
        step: str,
        *,
        action: str,
        index: int | None = None,
        service: str | None = None,
        args: Mapping[str, Any] | None = None,
        irreversible: bool = False,
        attempt: int = 1,
    ) -> Record:
        """A step begins (`attempt` > 1 when a resumed session runs it again)."""
        return self._append(
            Event.STEP_START,
            {
                "step": step,
                "action": action,
                "index": index,
                "service": service,
                "args": dict(args or {}),
                "irreversible": irreversible,
                "attempt": attempt,
            },
        )

    def step_progress(
        self,
        step: str,
        state: str,
        *,
        percent: float | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> Record:
        """What a long step is doing now (refresh 40 %, weights 75/25), for the live view and
        replay."""
        return self._append(
            Event.STEP_PROGRESS,
            {
                "step": step,
                "state": state,
                "percent": percent,
                "detail": dict(detail or {}),
            },
        )

    def step_end(
        self,
        step: str,
        status: StepStatus | str,
        *,
        error: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> Record:
        """A step finished; `status` is a StepStatus other than `running`."""
        return self._append(
            Event.STEP_END,
            {
                "step": step,
                "status": str(StepStatus(status)),
                "error": error,
                "detail": dict(detail or {}),
            },
        )

    # -- people ------------------------------------------------------------------------------

    def confirm_prompt(
        self,
        step: str | None,
        *,
        kind: str,
        shown: str,
        expected: str | None = None,
        timeout_s: float | None = None,
        default_on_timeout: str | None = None,
        screenshot: str | None = None,
    ) -> Record:
        """A question put to the operator. `kind`: confirm, typed, rollback, pause. `shown` is
        the text they were shown; `expected` what they must type for a typed confirmation."""
        return self._append(
            Event.CONFIRM_PROMPT,
            {
                "step": step,
                "kind": kind,
                "shown": shown,
                "expected": expected,
                "timeout_s": timeout_s,
                "default_on_timeout": default_on_timeout,
                "screenshot": screenshot,
            },
        )

    def confirm_answer(
        self,
        prompt: Record,
        answer: str,
        *,
        accepted: bool,
        typed: str | None = None,
        who: str | None = None,
        elapsed_s: float | None = None,
        screenshot: str | None = None,
        override: bool = False,
    ) -> Record:
        """The answer to `prompt`: what was chosen (`yes`, `no`, `timeout`…), whether it let the
        action go ahead, what was typed, who answered, how long they took, and the SVG of the
        screen they answered on (a path relative to the session directory) if one was saved.
        `override`: a person went on past a failed precondition or a guardrail (the choice
        that needs a typed reason); the outcome then says "completed with override"."""
        payload: dict[str, Any] = {
            "prompt_seq": prompt.seq,
            "step": prompt.payload.get("step"),
            "answer": answer,
            "accepted": accepted,
            "typed": typed,
            "elapsed_s": self._since(prompt) if elapsed_s is None else elapsed_s,
            "screenshot": screenshot,
        }
        if override:
            payload["override"] = True
        return self._append(
            Event.CONFIRM_ANSWER, payload, who or (self.operator if answer != "timeout" else None)
        )
