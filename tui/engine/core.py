"""What every part of a running session shares: the collaborators, the engine's clock and
waits, events out, questions in (each recorded in the audit log), and the safe points where
front-end requests are picked up."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tui.audit.events import ENGINE_ACTOR
from tui.audit.session_log import SessionLog
from tui.aws.protocol import ActionDriver, Cloud, Identity
from tui.clock import Clock
from tui.engine import events, questions
from tui.engine.approvals import ApprovalGate
from tui.engine.asking import PausedWhileAsking, Watching, Withdrawn, answer_watching
from tui.engine.control import Controls
from tui.engine.masked import masked
from tui.engine.options import SessionOptions
from tui.engine.outcome import RollbackNeeded, Stop
from tui.engine.ports import Answer, Operator, Question, QuestionKind, StepState
from tui.engine.recorder import SessionCallRecorder
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook, Step

# What counts as "the action went ahead" for each kind of question (confirm.answer `accepted`).
_ACCEPTING = {
    QuestionKind.CONFIRM: questions.YES,
    QuestionKind.TYPED: questions.YES,
    QuestionKind.MANUAL: questions.YES,
    QuestionKind.PRECONDITION: questions.OVERRIDE,
    QuestionKind.BREACH: questions.OVERRIDE,
    QuestionKind.PAUSE: questions.CONTINUE,
    QuestionKind.STEP_FAILED: questions.RETRY,
    QuestionKind.INTERRUPT: questions.CONTINUE,
    QuestionKind.ROLLBACK: questions.YES,
    QuestionKind.BLOCKED: questions.RETRY,
}
MAX_ASKS = 5
"""A front end that keeps giving unusable answers (no reason for an override, a wrong phrase)
is asked this many times, then the question's default (or stopping) is taken."""
WAKE = 1.0
"""Longest single wait, in engine-clock seconds, between looks at front-end requests."""


@dataclass
class Progressed:
    """What the session has done so far (read by rollback and by the final summary)."""

    done: list[Step] = field(default_factory=list)  # completed forward steps, in order
    captured: dict[str, dict[str, Any]] = field(default_factory=dict)  # step -> undo data
    started_at: dict[str, datetime] = field(default_factory=dict)  # step -> first start
    in_flight: Step | None = None  # the step whose action was started and has not ended
    driver: ActionDriver | None = None  # the in-flight step's driver
    launched: set[str] = field(default_factory=set)  # steps whose start AWS accepted
    # Steps a resumed rollback covers beyond `done` and `in_flight`: those the rollback had
    # cancelled before the crash. Verification reads their guardrails too.
    covered: list[Step] = field(default_factory=list)


@dataclass
class Waiting:
    """The bake or `wait` under way: what a rehearsal's fast-forward applies to."""

    step: str
    phase: str  # run (a wait action) or bake
    end: datetime
    fast: bool = False  # fast-forwarded since it began


class PausedStop(Stop):
    """A pause taken while a question waited: the question was taken down unanswered."""


class Core:
    """The session's shared machinery (see the module docstring)."""

    def __init__(
        self,
        runbook: Runbook,
        cloud: Cloud,
        operator: Operator,
        clock: Clock,
        log: SessionLog,
        options: SessionOptions,
        recorder: SessionCallRecorder | None,
    ) -> None:
        self.runbook, self.cloud = runbook, cloud
        self.operator = masked(operator)  # front ends never see a secret value
        self.clock, self.log, self.options, self.recorder = clock, log, options, recorder
        self.controls = Controls()
        self.progress = Progressed()
        self.current: str | None = None  # the step being worked on, for notes
        self.warned_window = False
        self.window_ends_at: datetime | None = None
        # The guardrails kept watched while a question waits: the step in flight's, or the
        # step just completed's until the next step's action begins; none during a rollback.
        self.watching: Watching | None = None
        self.waiting: Waiting | None = None  # set by Steps.watch_for
        self.identity: Identity | None = None  # the operator's, from STS (set by the Session)
        self.host = socket.gethostname()
        self.approvals = ApprovalGate(self)

    # -- time --------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The engine clock's now."""
        return self.clock.now()

    def sleep_until(self, moment: datetime, *, interruptible: bool = True) -> None:
        """Wait on the engine clock until `moment`, looking at requests every WAKE seconds
        (returns early when one arrives, so a Ctrl-C is answered within a second)."""
        while True:
            left = (moment - self.clock.now()).total_seconds()
            if left <= 0 or (interruptible and self.controls.pending):
                return
            self.clock.sleep(min(left, WAKE))

    def sleep(self, seconds: float, *, interruptible: bool = True) -> None:
        """Wait `seconds` of engine-clock time (see `sleep_until`)."""
        self.sleep_until(self.now() + timedelta(seconds=seconds), interruptible=interruptible)

    # -- events ------------------------------------------------------------------------------

    def notify(self, event: Any) -> None:
        """Tell the front end."""
        self.operator.notify(event)

    def state(self, step: str, state: StepState, message: str = "") -> None:
        """A step changed state."""
        self.notify(events.StepChanged(step, state, message, self.now()))

    def notice(self, text: str, level: str = "info", step: str | None = None) -> None:
        """Something for a person's attention."""
        self.notify(events.Notice(text, level, step))

    @contextlib.contextmanager
    def tag(self, step: str | None, *, rollback: bool = False) -> Iterator[None]:
        """Attribute the AWS calls inside the block to `step` in the audit log."""
        if self.recorder is None:
            yield
            return
        with self.recorder.tag(step, rollback=rollback):
            yield

    # -- questions ---------------------------------------------------------------------------

    def ask(self, question: Question) -> Answer:
        """Ask, with the prompt and the answer in the audit log. Enforces what the engine owes
        the audit trail whatever the front end does: an override carries a typed reason, a
        typed confirmation matches its phrase, and an answer after the deadline is the
        default. The watch in force is polled while the question waits; a question withdrawn
        for a guardrail's own (tui/engine/asking.py) is recorded as answered `withdrawn` by
        turnout, and asked again if that guardrail's question lets the session go on."""
        while True:
            timeout = (
                (question.deadline - self.now()).total_seconds() if question.deadline else None
            )
            prompt = self.log.confirm_prompt(
                question.step,
                kind=str(question.kind),
                shown=f"{question.title}\n\n{question.body}".strip(),
                expected=question.expected_text,
                timeout_s=round(timeout, 3) if timeout is not None else None,
                default_on_timeout=question.default if question.deadline else None,
            )
            if question.step:
                self.state(question.step, StepState.WAITING, question.title)
            try:
                answer = self._usable_answer(question)
            except PausedStop as paused:
                self.log.confirm_answer(
                    prompt, questions.WITHDRAWN, accepted=False, who=ENGINE_ACTOR
                )
                self.notice(f"{question.title}: withdrawn, {paused.reason}", "warn", question.step)
                raise
            except Withdrawn as withdrawn:
                self.log.confirm_answer(
                    prompt, questions.WITHDRAWN, accepted=False, who=ENGINE_ACTOR
                )
                self.notice(
                    f"{question.title}: withdrawn, guardrail {withdrawn.trip.guardrail.name} "
                    f"triggered ({withdrawn.trip.decision}) while it waited",
                    "warn",
                    question.step,
                )
                withdrawn.watching.act(withdrawn.trip)  # RollbackNeeded or Stop end it here
                continue
            chosen = question.choice(answer.choice)
            answered = self.log.confirm_answer(
                prompt,
                "timeout" if answer.timed_out else answer.choice,
                accepted=answer.choice == _ACCEPTING.get(question.kind),
                typed=answer.text,
                who=None if answer.timed_out else answer.who,
                screenshot=answer.screenshot,
                override=bool(chosen and chosen.needs_reason and not answer.timed_out),
            )
            # Four-eyes: a yes or an override that needs other people's approval waits for it
            # here (tui/engine/approvals.py); refused, it becomes the question's "no".
            return self.approvals.after(question, answer, answered)

    def answer(self, question: Question) -> Answer:
        """The operator's answer, unlogged (`ask` logs; the checklist writes its own record),
        with the watch in force polled meanwhile. A pause asked for while the question waits
        takes it down and ends the session resumably (`PausedStop`, exit 130)."""
        if self.options.rehearsal:
            question = questions.for_rehearsal(question)
        try:
            return answer_watching(
                self.operator,
                question,
                self.clock,
                self.watching,
                self.options.poll,
                pause_wanted=lambda: self.controls.pause_wanted,
            )
        except PausedWhileAsking:
            self.controls.take_pause()
            raise PausedStop(ExitCode.INTERRUPTED, self.controls.pause_reason) from None

    def _usable_answer(self, question: Question) -> Answer:
        for _ in range(MAX_ASKS):
            answer = self.answer(question)
            late = (
                question.deadline is not None
                and not answer.timed_out
                and answer.choice != question.default
                and self.now() > question.deadline
            )
            if late:
                self.notice(
                    f"the answer {answer.choice!r} came after the deadline: "
                    f"{question.default!r} was taken",
                    "warn",
                    question.step,
                )
                return Answer(question.default or "", "turnout", timed_out=True)
            choice = question.choice(answer.choice)
            if choice is None:
                self.notice(f"{answer.choice!r} is not an answer to this question", "warn")
                continue
            if choice.needs_reason and not (answer.text or "").strip():
                self.notice("an override needs a reason, typed: asking again", "warn")
                continue
            if (
                question.kind is QuestionKind.TYPED
                and answer.choice == questions.YES
                and (answer.text or "").strip() != (question.expected_text or "")
            ):
                self.notice("the typed phrase does not match: asking again", "warn")
                continue
            return answer
        fallback = question.default or questions.PAUSE
        self.notice(f"no usable answer after {MAX_ASKS} tries: taking {fallback!r}", "warn")
        return Answer(fallback, "turnout")

    # -- safe points -------------------------------------------------------------------------

    def safe_point(self, step: str | None) -> None:
        """Act on front-end requests: interrupt (ask), rollback (confirm), pause (stop)."""
        self._check_window()
        if self.controls.take_interrupt():
            answer = self.ask(questions.interrupt(step))
            if answer.choice == questions.ROLLBACK:
                raise RollbackNeeded("operator", f"{answer.who} chose to roll back (Ctrl-C)", step)
            if answer.choice == questions.PAUSE:
                raise Stop(ExitCode.INTERRUPTED, f"paused by {answer.who} (Ctrl-C)")
        request = self.controls.take_rollback()
        if request is not None:
            answer = self.ask(questions.rollback_request(step, request.who, request.reason))
            if answer.choice == questions.YES:
                reason = f"{request.who} asked to roll back: {request.reason}".rstrip(": ")
                raise RollbackNeeded("operator", reason, step)
        if self.controls.take_pause():
            raise Stop(ExitCode.INTERRUPTED, self.controls.pause_reason)
        who = self.controls.take_fast_forward()
        if who is not None:
            self._fast_forward(who, step)

    def _fast_forward(self, who: str, step: str | None) -> None:
        """A rehearsal's `f`: the bake or wait under way runs at the world's fastest speed
        until it ends (recorded, then told to the world through the operator's events)."""
        wait = self.waiting
        if not self.options.rehearsal:
            self.notice("fast-forward is for rehearsals: real AWS runs at its own pace", "warn")
        elif wait is None:
            self.notice("nothing to fast-forward: no bake or wait is under way", step=step)
        elif not wait.fast:
            wait.fast = True
            left = max(0.0, (wait.end - self.now()).total_seconds())
            self.log.fast_forward(wait.step, wait.phase, left, who)
            self.notify(events.FastForward(wait.step, True, wait.phase, left, who))

    def _check_window(self) -> None:
        if self.window_ends_at and not self.warned_window and self.now() > self.window_ends_at:
            self.warned_window = True
            self.notice("the maintenance window has ended", "warn", self.current)
