"""When AWS refuses the session itself, not the call: its credentials expired (or are not
recognised: an SSO session that ended), it lacks a permission, or AWS kept throttling it past
the SDK's retries.

Rolling back would meet the same refusal (the undo's calls are signed by the same credentials),
and ending the session left a canary at 75/25 for a person to untangle: exit 4, not resumable.
The same holds for a refusal of the rollback's own calls: it pauses mid-rollback (resumable, and
the resumed session finishes the rollback) instead of ending 4 with the traffic half back.
So the engine asks a BLOCKED question instead, naming the missing action and what to do: retry
the same call once the person has acted (the credentials are read again first), pause resumable
(exit 130: `turnout resume` later, with fresh credentials), or roll back. Headless answers pause.

A refused call changed nothing (AWS refused it before acting), so retrying it is safe; a step
whose start was refused after an earlier call of it went through is looked for in AWS first
(`StepRunner.attempt`'s `again`), as a resumed session's is.
"""

from __future__ import annotations

from tui.aws.protocol import DENIED, EXPIRED, THROTTLED, CloudError
from tui.engine import questions
from tui.engine.core import Core
from tui.engine.outcome import RollbackNeeded, Stop
from tui.exitcodes import ExitCode


def what_to_do(core: Core, error: CloudError) -> str:
    """The one sentence a person needs for `error`: how to re-authenticate, which statement to
    add, or how long to wait."""
    resume = f"`turnout resume {core.options.session_dir or core.log.path.parent}`"
    if error.blocked == EXPIRED:
        profile = core.options.profile
        login = f"`aws sso login --profile {profile}`" if profile else "`aws sso login`"
        return (
            f"re-authenticate ({login}, or refresh the credentials this session reads), then "
            f"retry; or pause, and {resume} once you have"
        )
    if error.blocked == DENIED:
        action = error.action or f"{error.service}:{error.operation}"
        return (
            f"add a statement allowing {action} to the role this session uses (`turnout policy "
            f"RUNBOOK` prints the policy it needs), then retry; or pause, and {resume} later"
        )
    return (
        "AWS kept throttling after the SDK's retries (other callers share the account's rate): "
        f"wait a minute and retry; or pause, and {resume} later"
    )


_TITLES = {
    EXPIRED: "AWS refused the session's credentials",
    DENIED: "AWS denied a call the session needs",
    THROTTLED: "AWS kept throttling the session",
}


def settle(
    core: Core,
    step: str | None,
    error: CloudError,
    *,
    blind: bool = False,
    rolling_back: bool = False,
) -> None:
    """Ask what to do about `error`; returns when the person chose to retry (the credentials
    are read again first), raises Stop (pause, exit 130) or RollbackNeeded. `blind`: the
    refusal came from reading the guardrails, so none can be watched while the question waits
    (they would age into missing data and trip a rollback doomed by the same refusal).
    `rolling_back`: the refused call is an undo; retry or pause (a resumed session finishes
    the rollback, looking in AWS for what was already undone)."""
    kind = error.blocked or THROTTLED
    todo = what_to_do(core, error)
    needs = f"; it needs {error.action}" if kind == DENIED and error.action else ""
    text = f"{error}{needs}"
    core.notice(f"{text}: {todo}", "error", step)
    body = f"{text}\n\n**What to do:** {todo}.\n\nThe refused call changed nothing in AWS."
    if blind:
        body += " The guardrails cannot be read until this is fixed."
    watching, core.watching = core.watching, (None if blind else core.watching)
    try:
        answer = core.ask(questions.blocked(step, _TITLES[kind], body, rolling_back=rolling_back))
    finally:
        core.watching = watching
    if answer.choice == questions.RETRY:
        core.cloud.renew_credentials()
        core.notice("trying the refused call again with the credentials read afresh", "info", step)
        return
    if answer.choice == questions.ROLLBACK:
        raise RollbackNeeded("failure", text, step)
    raise Stop(ExitCode.INTERRUPTED, f"paused: {text} ({todo})")
