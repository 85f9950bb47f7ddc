"""The plain front end's progress stream: each engine event as whole lines of text.

Every line starts with the time on the engine's clock (UTC), then the step, then what happened
in words: a state is written out (`DONE`, `ROLLING BACK`), never shown by colour alone, so the
stream reads the same in a file, over a serial console and through a screen reader. Colour is
added by rich only when the console is a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from rich.text import Text

from tui.aws.protocol import Progress
from tui.engine import events as ev
from tui.engine.ports import StepState
from tui.exitcodes import outcome_name, outcome_words

# Words carry the meaning; the style is a second channel for those who see colour.
STATE_STYLE: dict[StepState, str] = {
    StepState.PENDING: "dim",
    StepState.CHECKING: "cyan",
    StepState.WAITING: "yellow",
    StepState.RUNNING: "cyan",
    StepState.BAKING: "cyan",
    StepState.DONE: "green",
    StepState.FAILED: "bold red",
    StepState.ROLLING_BACK: "bold yellow",
    StepState.ROLLED_BACK: "yellow",
    StepState.SKIPPED: "dim",
}
LEVEL_STYLE = {"info": "", "warn": "yellow", "error": "bold red"}


def clock_time(at: datetime | None) -> str:
    """`HH:MM:SS` in UTC, or eight spaces when the event carries no time."""
    return at.strftime("%H:%M:%S") if at is not None else " " * 8


def number(value: float | None) -> str:
    """A metric value for people: `no data` for None (never 0), up to 4 significant digits."""
    if value is None:
        return "no data"
    return f"{value:.4g}"


def countdown(seconds: float) -> str:
    """`4m05s`, `45s`, `1h02m`: a remaining time, rounded up to the second."""
    total = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def _line(at: datetime | None, step: str | None, body: Text | str, style: str = "") -> Text:
    text = Text(f"{clock_time(at)}  ", style="dim")
    if step:
        text.append(f"{step}  ", style="bold")
    text.append(body if isinstance(body, Text) else Text(body, style=style))
    return text


def threshold(minimum: float | None, maximum: float | None) -> str:
    """`max 1`, `min 3`, or `between 1 and 5`."""
    if minimum is not None and maximum is not None:
        return f"between {number(minimum)} and {number(maximum)}"
    if maximum is not None:
        return f"max {number(maximum)}"
    if minimum is not None:
        return f"min {number(minimum)}"
    return "no threshold"


def reading_text(reading: ev.GuardrailReading) -> Text:
    """`guardrail "5xx rate" 0.42 (max 1) ok, 0 of 3 breaching, on breach: rollback`."""
    text = Text(f'guardrail "{reading.name}" ')
    text.append(number(reading.value), style="bold")
    text.append(f" ({threshold(reading.minimum, reading.maximum)}) ")
    if reading.breached:
        text.append("BREACHED", style="bold red")
    elif reading.missing:
        text.append("MISSING DATA", style="yellow")
    elif reading.breaches:
        text.append("BREACHING", style="yellow")
    else:
        text.append("ok", style="green")
    text.append(
        f", {reading.breaches} of {reading.needed} breaching, on breach: {reading.severity}"
    )
    return text


def _weights(detail: Mapping[str, Any]) -> str:
    weights = detail.get("weights") or {}
    parts = [", ".join(f"{name} {weight}" for name, weight in weights.items())]
    if detail.get("step") is not None and detail.get("steps") is not None:
        parts.append(f"step {detail['step']} of {detail['steps']}")
    if detail.get("bake_remaining") is not None:
        parts.append(f"bake {countdown(float(detail['bake_remaining']))} left")
    resource = detail.get("resource")
    return f"weights{' on ' + str(resource) if resource else ''}: " + "; ".join(parts)


def progress_text(progress: Progress) -> str:
    """One line for an action's progress: percent, summary, then weights or rollout counts."""
    parts: list[str] = [progress.state.upper()]
    if progress.percent is not None:
        parts.append(f"{progress.percent:.0f} %")
    if progress.summary:
        parts.append(progress.summary)
    detail = progress.detail
    if "weights" in detail:
        parts.append(_weights(detail["weights"]))
    for deployment in (detail.get("ecs") or {}).get("deployments", []):
        parts.append(
            f"{deployment.get('status', '?')} {deployment.get('task_definition', '?')}: "
            f"{deployment.get('running', 0)} running, {deployment.get('pending', 0)} pending, "
            f"{deployment.get('failed', 0)} failed"
        )
    if progress.reason:
        parts.append(f"reason: {progress.reason}")
    return " - ".join(parts)


def event_lines(event: Any, now: datetime) -> Iterator[Text]:
    """The lines one engine event prints; `now` dates events that carry no time of their own."""
    if isinstance(event, ev.SessionStarted):
        verb = "Resumed" if event.resumed else "Started"
        kind = "REHEARSAL against the embedded AWS world" if event.rehearsal else "LIVE AWS"
        yield _line(event.started_at, None, f"{verb} {event.runbook}: {event.title}", "bold")
        yield _line(
            event.started_at,
            None,
            f"{kind}: account {event.identity.account}, region {event.identity.region}, "
            f"as {event.identity.arn}",
        )
        if event.window_ends_at is not None:
            yield _line(
                event.started_at,
                None,
                f"Maintenance window ends at {clock_time(event.window_ends_at)} UTC",
            )
        yield _line(event.started_at, None, f"Session log: {event.session_dir}")
    elif isinstance(event, ev.StepChanged):
        body = Text(event.state.value.upper(), style=STATE_STYLE.get(event.state, ""))
        if event.message:
            body.append(f" - {event.message}")
        yield _line(event.at or now, event.step, body)
    elif isinstance(event, ev.StepProgress):
        yield _line(event.at or now, event.step, progress_text(event.progress))
    elif isinstance(event, ev.ConditionResult):
        body = Text("precondition ")
        body.append("ok" if event.ok else "FAILED", style="green" if event.ok else "bold red")
        body.append(f' "{event.label}": {event.text}')
        if event.overridden:
            body.append(" (OVERRIDDEN by the operator)", style="yellow")
        yield _line(now, event.step, body)
    elif isinstance(event, ev.GuardrailsPolled):
        for reading in event.readings:
            yield _line(event.at, event.step, reading_text(reading))
    elif isinstance(event, ev.Notice):
        word = {"warn": "WARNING", "error": "ERROR"}.get(event.level, "NOTE")
        yield _line(now, event.step, f"{word}: {event.text}", LEVEL_STYLE.get(event.level, ""))
    elif isinstance(event, ev.RollbackChanged):
        style = "bold red" if event.phase == "failed" else "bold yellow"
        yield _line(now, event.step, f"ROLLBACK {event.phase.upper()}: {event.text}", style)
    elif isinstance(event, ev.AutoApproved):
        q, answer = event.question, event.answer
        typed = f', typed "{answer.text}"' if answer.text else ""
        yield _line(
            event.at or now,
            q.step,
            f"AUTO-APPROVED ({q.kind.value}): {q.title} - {answer.choice}{typed}, by {answer.who}",
            "bold",
        )
    elif isinstance(event, ev.ApprovalWaiting):
        yield _line(
            now,
            event.step,
            f"WAITING FOR APPROVAL by {event.required} other person(s) until "
            f"{clock_time(event.deadline)} UTC: {event.command}",
            "bold",
        )
    elif isinstance(event, ev.ApprovalEnded):
        by = f" ({event.who})" if event.who and event.outcome != "timeout" else ""
        yield _line(now, event.step, f"APPROVAL {event.outcome.upper()}{by}", "bold")
    elif isinstance(event, ev.SessionEnded):
        outcome = outcome_words(outcome_name(event.exit_code))
        if event.end_summary:
            outcome = outcome_words(event.end_summary.outcome)
        style = "bold green" if event.exit_code == 0 else "bold red"
        yield _line(now, None, f"Session ended: exit {event.exit_code} ({outcome})", style)
        if event.summary:
            yield _line(now, None, event.summary)
        if event.end_summary:
            for text in event.end_summary.lines()[1:]:  # the outcome is the line above
                yield _line(now, None, text)
        else:
            yield _line(now, None, f"Session log: {event.session_dir}")
    elif isinstance(event, ev.SessionEnding):
        return  # SessionEnded, next, says it all
    else:  # an event added to the engine after this front end: still show something
        yield _line(now, getattr(event, "step", None), f"{type(event).__name__}: {event}")
