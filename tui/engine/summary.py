"""The summary every session ends with, in every front end: the outcome, the state AWS is left
in, where the log is, how to carry on, and the log's last hash (the anchor an operator quotes
in the change ticket, so an auditor can show later that nothing was cut from the record).

The state is read from AWS at the end (each touched step's driver says what it sees now), not
inferred from the log: after a rollback that failed half way, or a step a person stopped, what
AWS shows is what the next person must start from. It is recorded in `session.end` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tui.audit.chain import read_log
from tui.audit.events import StepStatus
from tui.audit.state import SessionFold
from tui.aws.protocol import Cloud
from tui.engine import events
from tui.engine.events import EndSummary
from tui.engine.steps import ENGINE_ACTIONS
from tui.exitcodes import ExitCode, outcome_name
from tui.runbook.model import Runbook

if TYPE_CHECKING:
    from tui.engine.core import Core


def touched(fold: SessionFold) -> list[str]:
    """The ids of the steps that may have changed AWS, in the order they started: every step
    that started and was not refused or skipped (a refused step changed nothing)."""
    quiet = {StepStatus.REFUSED, StepStatus.SKIPPED}
    return [s.id for s in fold.steps.values() if s.status not in quiet]


def aws_state(runbook: Runbook, cloud: Cloud, step_ids: Iterable[str]) -> tuple[str, ...]:
    """One line per resource the touched steps change, as AWS shows it now. Several steps on
    one resource (a canary's weight steps) give one line; a read that fails says so instead of
    hiding the resource."""
    lines: list[str] = []
    for step_id in step_ids:
        try:
            step = runbook.step(step_id)
        except KeyError:
            continue
        if step.action in ENGINE_ACTIONS:
            continue  # a person's step or a wait: nothing in AWS to read back
        try:
            line = getattr(cloud.driver(step), "state", lambda: None)()
        except Exception as exc:  # the session ends whatever AWS answers; the line says so
            line = f"{step_id}: could not read what AWS shows now ({exc})"
        if line and line not in lines:
            lines.append(line)
    return tuple(lines)


def carry_on(exit_code: int, session_dir: str, rehearsal: bool) -> str:
    """What the person can do next with this session."""
    if exit_code == ExitCode.INTERRUPTED:
        if rehearsal:
            return "a rehearsal cannot be resumed (its world ended with it): rehearse again"
        return f"turnout resume {session_dir}"
    if exit_code == ExitCode.LEFT_FOR_OPERATOR:
        return "a person must look at AWS (above) before anything else runs"
    return ""


def end_summary(
    runbook: Runbook, core: Core, exit_code: int, reason: str, session_dir: str
) -> EndSummary:
    """Write `session.end` with the outcome, the overrides of the whole session (a resumed one
    included: they are counted from the log) and what AWS shows now; return the summary."""
    fold = SessionFold.of(read_log(core.log.path).records)
    overrides = len(fold.overrides)
    ran = touched(fold)
    state = aws_state(runbook, core.cloud, ran)
    outcome = outcome_name(exit_code, overrides)
    core.notify(events.SessionEnding(exit_code, outcome, reason, session_dir, state))
    record = core.log.session_end(
        exit_code, reason=reason, outcome=outcome, aws_state=list(state), overrides=overrides
    )
    return EndSummary(
        outcome=outcome,
        exit_code=exit_code,
        session_dir=session_dir,
        aws_state=state,
        overrides=overrides,
        touched=len(ran),
        carry_on=carry_on(exit_code, session_dir, core.options.rehearsal),
        last_hash=record.hash,
        reason=reason,
    )
