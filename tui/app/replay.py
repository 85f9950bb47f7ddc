"""Playing a recorded session back: audit records turned back into the engine's events, on a
timeline that runs at a chosen speed. Pure: no Textual (the app posts what this emits).

`ReplayPlayer.run(emit)` runs on a worker thread. It emits engine events (tui.engine.events),
`AskedInReplay`/`AnsweredInReplay` for each question as it was shown and answered, checklist
answers, and the records themselves (for the audit tail), each when its time comes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tui.app.question import PendingQuestion
from tui.app.symbols import duration_text
from tui.audit.chain import Record
from tui.audit.events import Event
from tui.audit.replay import Replay
from tui.aws.protocol import Identity, Progress
from tui.engine.events import (
    ApprovalEnded,
    ApprovalWaiting,
    ConditionResult,
    GuardrailReading,
    GuardrailsPolled,
    Notice,
    RollbackChanged,
    SessionEnded,
    SessionStarted,
    StepChanged,
    StepProgress,
)
from tui.engine.ports import Answer, Choice, Question, QuestionKind, StepState

END_STATES = {
    "completed": StepState.DONE,
    "failed": StepState.FAILED,
    "refused": StepState.FAILED,
    "skipped": StepState.SKIPPED,
    "cancelled": StepState.FAILED,
}
PROMPT_KINDS = {
    "confirm": QuestionKind.CONFIRM,
    "typed": QuestionKind.TYPED,
    "rollback": QuestionKind.BREACH,
    "pause": QuestionKind.PAUSE,
}
HISTORY = 30  # guardrail points kept per chart


@dataclass(frozen=True)
class AskedInReplay:
    """A question as it was put to the operator."""

    pending: PendingQuestion


@dataclass(frozen=True)
class AnsweredInReplay:
    """The recorded answer to an `AskedInReplay`."""

    pending: PendingQuestion


@dataclass(frozen=True)
class ChecklistAnswered:
    """A checklist item as it was confirmed (or refused)."""

    index: int
    item: str
    confirmed: bool


@dataclass(frozen=True)
class RecordPlayed:
    """The record itself, for the audit tail."""

    record: Record


@dataclass
class RecordTranslator:
    """Turns records into events, keeping what later records need (history, open prompts)."""

    session_dir: str
    title: str = ""
    history: dict[tuple[str, str], deque[tuple[datetime, float]]] = field(default_factory=dict)
    readings: dict[str, dict[str, GuardrailReading]] = field(default_factory=dict)
    prompts: dict[int, PendingQuestion] = field(default_factory=dict)

    def events(self, r: Record) -> list[Any]:
        p = r.payload
        step = p.get("step") if isinstance(p.get("step"), str) else None
        out: list[Any] = []
        if r.type == Event.SESSION_START:
            aws = p.get("aws") or {}
            window = p.get("window_s")
            out.append(
                SessionStarted(
                    runbook=str((p.get("runbook") or {}).get("name", "")),
                    title=self.title,
                    identity=Identity(
                        str(aws.get("account")), str(aws.get("arn")), str(aws.get("region"))
                    ),
                    rehearsal=p.get("mode") == "rehearsal",
                    session_dir=self.session_dir,
                    started_at=r.time,
                    window_ends_at=r.time + timedelta(seconds=window) if window else None,
                )
            )
        elif r.type == Event.SESSION_RESUME:
            out.append(Notice(f"session resumed by {p.get('os_user')} on {p.get('host')}"))
        elif r.type == Event.CHECKLIST_ANSWER:
            out.append(
                ChecklistAnswered(
                    int(p.get("index", 0)), str(p.get("item", "")), bool(p.get("confirmed"))
                )
            )
        elif r.type == Event.STEP_START and step:
            attempt = p.get("attempt") or 1
            out.append(
                StepChanged(
                    step, StepState.RUNNING, f"attempt {attempt}" if attempt > 1 else "", r.time
                )
            )
        elif r.type == Event.STEP_PROGRESS and step:
            progress = Progress(
                "running", str(p.get("state") or ""), p.get("percent"), p.get("detail") or {}
            )
            out.append(StepProgress(step, progress, r.time))
        elif r.type == Event.STEP_END and step:
            status = str(p.get("status"))
            message = p.get("error") or ("" if status == "completed" else status)
            out.append(StepChanged(step, END_STATES.get(status, StepState.DONE), message, r.time))
        elif r.type == Event.PRECONDITION and step:
            expected = ", ".join(f"{k} {v}" for k, v in (p.get("expected") or {}).items())
            out.append(
                ConditionResult(
                    step,
                    str(p.get("name")),
                    bool(p.get("passed")),
                    p.get("observed"),
                    f"saw {p.get('observed')} (expected {expected})",
                )
            )
        elif r.type == Event.GUARDRAIL and step:
            out.append(self._guardrail(r, step))
        elif r.type == Event.CONFIRM_PROMPT:
            out.extend(self._prompt(r, step))
        elif r.type == Event.CONFIRM_ANSWER:
            out.extend(self._answer(r, step))
        elif r.type == Event.API_RESULT and p.get("outcome") == "error":
            out.append(
                Notice(
                    f"{p.get('service')}.{p.get('operation')}: {p.get('error_code')}: "
                    f"{p.get('error_message')}",
                    "error",
                    step,
                )
            )
        elif r.type == Event.ROLLBACK_START:
            out.append(RollbackChanged("started", str(p.get("reason") or ""), step))
        elif r.type == Event.ROLLBACK_STEP and step:
            ok = p.get("outcome") == "ok"
            out.append(
                RollbackChanged("step", f"undid {step}" if ok else str(p.get("error")), step)
            )
            out.append(
                StepChanged(
                    step,
                    StepState.ROLLED_BACK if ok else StepState.FAILED,
                    "" if ok else str(p.get("error")),
                    r.time,
                )
            )
        elif r.type == Event.ROLLBACK_END:
            ok = p.get("outcome") == "completed"
            out.append(
                RollbackChanged(
                    "verified" if ok else "failed",
                    "rollback completed" if ok else str(p.get("error")),
                )
            )
        elif r.type.startswith("approval."):
            out.extend(self._approval(r, step))
        elif r.type == Event.NOTE:
            out.append(Notice(f"note by {r.actor}: {p.get('text')}", "info", step))
        elif r.type == Event.SESSION_END:
            out.append(
                SessionEnded(
                    int(p.get("exit_code", 1)),
                    str(p.get("reason") or p.get("outcome") or ""),
                    self.session_dir,
                )
            )
        out.append(RecordPlayed(r))
        return out

    def _approval(self, r: Record, step: str | None) -> list[Any]:
        """Four-eyes records as the live session showed them (tui/engine/approvals.py)."""
        p = r.payload
        if r.type == Event.APPROVAL_REQUESTED:
            try:
                deadline = datetime.fromisoformat(str(p.get("deadline")))
            except ValueError:
                deadline = r.time
            where = f" --step {step}" if step else ""
            command = f"turnout approve {self.session_dir}{where}"
            waiting = ApprovalWaiting(
                step, int(p.get("required") or 1), tuple(p.get("from") or ()), deadline, command
            )
            return [waiting] + (
                [StepChanged(step, StepState.WAITING, "waiting for approval")] if step else []
            )
        if r.type == Event.APPROVAL_ENDED:
            return [ApprovalEnded(step, str(p.get("outcome")), ", ".join(p.get("approvers") or ()))]
        if r.type == Event.APPROVAL_REFUSED:
            return [Notice(f"an approval was not counted: {p.get('why')}", "warn", step)]
        verb = "approved" if r.type == Event.APPROVAL_GIVEN else "DENIED"
        reason = f": {p['reason']}" if p.get("reason") else ""
        return [
            Notice(f"{verb} by {r.actor}{reason}", "info" if verb == "approved" else "warn", step)
        ]

    def _guardrail(self, r: Record, step: str) -> GuardrailsPolled:
        p = r.payload
        name = str(p.get("name"))
        points = self.history.setdefault((step, name), deque(maxlen=HISTORY))
        value = p.get("value") if isinstance(p.get("value"), int | float) else None
        if value is not None:
            points.append((r.time, float(value)))
        threshold = p.get("threshold") or {}
        reading = GuardrailReading(
            step=step,
            name=name,
            value=value,
            minimum=threshold.get("min"),
            maximum=threshold.get("max"),
            breaches=int(p.get("consecutive") or 0),
            needed=int(p.get("needed") or 1),
            severity=str(p.get("on_breach") or "warn"),
            points=tuple(points),
            breached=bool(p.get("decision")),
            missing=value is None,
        )
        self.readings.setdefault(step, {})[name] = reading
        return GuardrailsPolled(step, r.time, tuple(self.readings[step].values()))

    def _prompt(self, r: Record, step: str | None) -> list[Any]:
        p = r.payload
        raw = str(p.get("kind"))
        kind = PROMPT_KINDS.get(raw) or next(
            (k for k in QuestionKind if k.value == raw), QuestionKind.CONFIRM
        )
        shown = str(p.get("shown") or "")
        title, _, body = shown.strip().partition("\n")
        timeout = p.get("timeout_s")
        default = p.get("default_on_timeout")
        choices = (Choice("yes", "Yes"), Choice("no", "No"))
        if default and default not in ("yes", "no"):
            choices = (Choice(str(default), str(default).capitalize()), *choices)
        question = Question(
            kind,
            title.strip("#* ") or raw,
            body.strip() or shown,
            choices,
            step,
            default,
            r.time + timedelta(seconds=timeout) if timeout else None,
            p.get("expected"),
        )
        pending = PendingQuestion(question, r.seq, r.time)
        self.prompts[r.seq] = pending
        out: list[Any] = [AskedInReplay(pending)]
        if step:
            out.insert(0, StepChanged(step, StepState.WAITING, "", r.time))
        return out

    def _answer(self, r: Record, step: str | None) -> list[Any]:
        p = r.payload
        pending = self.prompts.pop(int(p.get("prompt_seq") or -1), None)
        out: list[Any] = []
        answer = str(p.get("answer"))
        if pending is not None:
            pending.settle(Answer(answer, r.actor, p.get("typed"), answer == "timeout"))
            out.append(AnsweredInReplay(pending))
        out.append(
            Notice(
                f"{r.actor} answered {answer}"
                + (f" (typed “{p['typed']}”)" if p.get("typed") else ""),
                "info",
                step,
            )
        )
        if step and p.get("accepted"):
            out.append(StepChanged(step, StepState.RUNNING, "", r.time))
        return out


class ReplayClock:
    """The replay's time: the recorded session's clock at the point reached (a `Clock`)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.position = 0.0  # seconds into the session

    def now(self) -> datetime:
        """The recorded time now on screen."""
        return self.start + timedelta(seconds=self.position)

    def sleep(self, seconds: float) -> None:
        """Not used by a replay (nothing waits on it); present for the Clock protocol."""
        time.sleep(0)


class ReplayPlayer:
    """Plays a `Replay` at `speed` × recorded time; `toggle()` pauses, `speed` changes on the
    fly, `stop()` ends it."""

    TICK_S = 0.05

    def __init__(
        self, replay: Replay, session_dir: str | Path, *, speed: float = 1.0, title: str = ""
    ) -> None:
        self.replay = replay
        self.speed = speed
        self.playing = True
        self.clock = ReplayClock(replay.start or datetime.now().astimezone())
        self._translator = RecordTranslator(str(session_dir), title)
        self._stop = threading.Event()

    def where(self) -> str:
        """Where the replay stands, as the status bar says it: `3:05 of 12:48 · 4× · playing`."""
        records = self.replay.records
        total = self.replay.offset(records[-1]) if records else 0.0
        state = "playing" if self.playing else "paused (space plays)"
        position = duration_text(self.clock.position)
        return f"{position} of {duration_text(total)} · {self.speed:g}× · {state}"

    def toggle(self) -> bool:
        """Pause or resume; returns whether it is now playing."""
        self.playing = not self.playing
        return self.playing

    def stop(self) -> None:
        """End playback (the app is leaving)."""
        self._stop.set()

    def run(self, emit: Callable[[Any], None]) -> None:
        """Emit every record's events when the timeline reaches it; returns at the end."""
        last = time.monotonic()
        for record in self.replay.records:
            due = self.replay.offset(record)
            while self.clock.position < due:
                if self._stop.wait(self.TICK_S):
                    return
                now = time.monotonic()
                if self.playing:
                    self.clock.position = min(due, self.clock.position + (now - last) * self.speed)
                last = now
            for event in self._translator.events(record):
                emit(event)
