"""The headless front end: an `Operator` that prints a timestamped progress stream (rich) and
answers questions by rule, never by asking.

It takes the safe answer to every question it is asked: roll back on a breached guardrail, on a
guardrail pause and on a failed step; stop on a failed precondition (exit 5); pause, resumable,
on Ctrl-C; "not now" to a confirmation. It never overrides a precondition or a guardrail.
`--auto-approve` is not its business: `AutoApproving` (tui/engine/auto_approve.py) wraps it, as
it wraps the app and plain mode, and answers the checklist, confirmations and manual steps
before they reach it; this stream prints each of those answers. Without `--auto-approve` a run
whose runbook would ask a person anything is refused before it starts (`questions_in`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.markup import escape

from tui.engine import events, questions
from tui.engine.ports import Answer, Question, QuestionKind, StepState
from tui.runbook.model import Runbook

HEADLESS = "headless"
JSON_LINES_SCHEMA_VERSION = 1
"""The version of `--headless --json`'s lines (docs/machine-output.md)."""

# A symbol for every state, so the stream reads the same without colour.
SYMBOLS = {
    StepState.PENDING: "·",
    StepState.CHECKING: "?",
    StepState.WAITING: "…",
    StepState.RUNNING: "▶",
    StepState.BAKING: "◷",
    StepState.DONE: "✓",
    StepState.FAILED: "✗",
    StepState.ROLLING_BACK: "↩",
    StepState.ROLLED_BACK: "⟲",
    StepState.SKIPPED: "↷",
}
STYLES = {
    StepState.DONE: "green",
    StepState.FAILED: "bold red",
    StepState.ROLLING_BACK: "yellow",
    StepState.ROLLED_BACK: "yellow",
    StepState.RUNNING: "cyan",
    StepState.BAKING: "cyan",
}
_SAFE = {
    QuestionKind.BREACH: questions.ROLLBACK,
    QuestionKind.PAUSE: questions.ROLLBACK,
    QuestionKind.STEP_FAILED: questions.ROLLBACK,
    # Nobody can re-authenticate or add a statement here: stop resumable (exit 130).
    QuestionKind.BLOCKED: questions.PAUSE,
    QuestionKind.PRECONDITION: questions.STOP,
    QuestionKind.INTERRUPT: questions.PAUSE,
    QuestionKind.ROLLBACK: questions.YES,
}
GUARDRAIL_QUIET_SECONDS = 60.0
"""An unchanged guardrail line is printed again at most this often (engine-clock seconds)."""


def _older(then: datetime | None, now: datetime | None, seconds: float) -> bool:
    return then is None or now is None or (now - then).total_seconds() >= seconds


def questions_in(runbook: Runbook) -> list[str]:
    """Why `runbook` would ask a person something on a plain run (empty: it never would)."""
    found = [f"checklist item {i}" for i, _ in enumerate(runbook.checklist, start=1)]
    for step in (*runbook.order, *runbook.rollback):
        if step.confirm_phrase:
            found.append(f"step {step.id} (type a phrase)")
        elif step.confirm:
            found.append(f"step {step.id} (confirm)")
        elif step.action == "manual":
            found.append(f"step {step.id} (manual)")
    return found


class HeadlessOperator:
    """Prints events; answers questions by rule (see the module docstring)."""

    def __init__(self, console: Console, *, clock: Any | None = None) -> None:
        self.console = console
        self.clock = clock
        self.answered: list[tuple[Question, Answer]] = []
        self._last_progress: dict[str, tuple[Any, datetime | None]] = {}
        self._last_guardrails: dict[str, tuple[tuple[int, ...], datetime]] = {}

    # -- output ------------------------------------------------------------------------------

    def _time(self, at: datetime | None = None) -> str:
        moment = at or (self.clock.now() if self.clock is not None else None)
        return moment.strftime("%H:%M:%S") if moment else "--:--:--"

    def _line(self, text: str, at: datetime | None = None) -> None:
        self.console.print(f"[dim]{self._time(at)}[/dim] {text}", highlight=False)

    def notify(self, event: Any) -> None:
        """Print one event (see tui.engine.events)."""
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is not None:
            handler(event)

    def _on_SessionStarted(self, e: events.SessionStarted) -> None:
        mode = "rehearsal" if e.rehearsal else "LIVE AWS"
        verb = "resumed" if e.resumed else "started"
        self._line(
            f"[bold]session {verb}[/bold]: {escape(e.runbook)} — {escape(e.title)}", e.started_at
        )
        self._line(
            f"  {mode}: account {e.identity.account}, region {e.identity.region} "
            f"({escape(e.identity.arn)})",
            e.started_at,
        )
        self._line(f"  audit log: {escape(e.session_dir)}/audit.jsonl", e.started_at)

    def _on_StepChanged(self, e: events.StepChanged) -> None:
        style = STYLES.get(e.state, "")
        state = f"[{style}]{e.state.value}[/{style}]" if style else e.state.value
        message = f"  {escape(e.message)}" if e.message else ""
        self._line(f"{SYMBOLS[e.state]} {escape(e.step):<20} {state}{message}", e.at)

    def _on_StepProgress(self, e: events.StepProgress) -> None:
        progress = e.progress
        parts = [progress.summary or progress.state]
        if progress.percent is not None:
            parts.append(f"{progress.percent:.0f} %")
        weights = (progress.detail or {}).get("weights")
        if isinstance(weights, dict) and isinstance(weights.get("weights"), dict):
            parts.append("weights " + ", ".join(f"{k} {v}" for k, v in weights["weights"].items()))
        text = " · ".join(str(p) for p in parts)
        # The summary changes every poll (countdowns); print when the substance changes, or
        # once a minute of engine time, so the stream stays readable at any speed.
        shown = weights.get("weights") if isinstance(weights, dict) else None
        key = (progress.state, progress.percent, repr(shown))
        last = self._last_progress.get(e.step)
        if last is None or last[0] != key or _older(last[1], e.at, GUARDRAIL_QUIET_SECONDS):
            self._last_progress[e.step] = (key, e.at)
            self._line(f"  {escape(e.step):<20} {escape(text)}", e.at)

    def _on_GuardrailsPolled(self, e: events.GuardrailsPolled) -> None:
        parts = []
        for r in e.readings:
            value = "no data" if r.value is None else f"{r.value:.3g}"
            bound = " ".join(
                b
                for b in (
                    f"≥ {r.minimum:g}" if r.minimum is not None else "",
                    f"≤ {r.maximum:g}" if r.maximum is not None else "",
                )
                if b
            )
            mark = "[bold red]BREACH[/bold red] " if r.breached else ""
            parts.append(f"{mark}{escape(r.name)} {value} ({bound}; {r.breaches}/{r.needed})")
        text = " · ".join(parts)
        last = self._last_guardrails.get(e.step)
        breaches = tuple(r.breaches for r in e.readings)
        if last is None or last[0] != breaches or _older(last[1], e.at, GUARDRAIL_QUIET_SECONDS):
            self._last_guardrails[e.step] = (breaches, e.at)
            self._line(f"  [magenta]guardrails[/magenta] {text}", e.at)

    def _on_ConditionResult(self, e: events.ConditionResult) -> None:
        mark = (
            "[green]✓[/green]"
            if e.ok
            else ("[yellow]![/yellow]" if e.overridden else "[red]✗[/red]")
        )
        extra = " (overridden)" if e.overridden else ""
        self._line(f"  {mark} precondition {escape(e.label)}: {escape(e.text)}{extra}")

    def _on_Notice(self, e: events.Notice) -> None:
        style = {"warn": "yellow", "error": "bold red"}.get(e.level, "dim")
        where = f"{escape(e.step)}: " if e.step else ""
        self._line(
            f"  [{style}]{'!' if e.level != 'info' else '·'} {where}{escape(e.text)}[/{style}]"
        )

    def _on_ApprovalEnded(self, e: events.ApprovalEnded) -> None:
        by = f" ({escape(e.who)})" if e.who and e.outcome != "timeout" else ""
        self._line(f"  [bold]approval {escape(e.outcome)}[/bold]{by}")

    def _on_RollbackChanged(self, e: events.RollbackChanged) -> None:
        style = "bold red" if e.phase == "failed" else "yellow"
        self._line(f"[{style}]↩ rollback {e.phase}[/{style}]: {escape(e.text)}")

    def _on_SessionEnded(self, e: events.SessionEnded) -> None:
        style = (
            "bold green" if e.exit_code == 0 else "bold red" if e.exit_code == 4 else "bold yellow"
        )
        self._line(f"[{style}]session ended, exit {e.exit_code}[/{style}]: {escape(e.summary)}")
        for line in e.end_summary.lines() if e.end_summary else ():
            self._line(f"  {escape(line)}")

    # -- answers -----------------------------------------------------------------------------

    def ask(self, question: Question) -> Answer:
        """Answer by rule, and print the question and the answer."""
        choice = _SAFE.get(question.kind) or (
            questions.NO if question.choice(questions.NO) else question.default
        )
        if question.choice(choice or "") is None:
            choice = question.default or question.choices[-1].key
        answer = Answer(choice or "", HEADLESS)
        self.answered.append((question, answer))
        self._print_answer(question, answer)
        return answer

    def _on_AutoApproved(self, e: events.AutoApproved) -> None:
        self.answered.append((e.question, e.answer))
        self._print_answer(e.question, e.answer, e.at)

    def _print_answer(self, question: Question, answer: Answer, at: datetime | None = None) -> None:
        self._line(
            f"  [bold]?[/bold] {escape(question.title)} → [bold]{escape(answer.choice)}[/bold] "
            f"({escape(answer.who)})",
            at,
        )


class JsonLinesEcho:
    """`--headless --json`: each audit record, as written, on one line of `out`, with
    `"schema_version"` put first. Remove that member and the line is the log's own bytes, so its
    hash verifies; every field is the audit record's (docs/audit.md), already redacted and
    masked. A reader that goes away (a closed pipe) stops the echo, never the session."""

    _PREFIX = f'{{"schema_version":{JSON_LINES_SCHEMA_VERSION},'

    def __init__(self, out: Any) -> None:
        self.out = out
        self.broken = False

    def __call__(self, line: bytes) -> None:
        if self.broken:
            return
        try:
            self.out.write(self._PREFIX + line[1:].decode("utf-8"))
            self.out.flush()
        except (OSError, ValueError):  # a closed pipe, or a closed file
            self.broken = True
