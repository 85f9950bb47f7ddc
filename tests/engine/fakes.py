"""A small fake of OUR `Cloud` protocol (not of boto3) and a scripted Operator, for engine tests.

Metric values are functions of time: `cloud.metrics["ErrorRate"] = lambda t: 5.0` makes every
period of the metric named ErrorRate read 5.0 (None: no datapoint). Drivers finish after
`polls` polls and log every call in `cloud.calls`, so tests assert on what would have happened
to AWS: what was started, in which order things were undone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tui.aws.protocol import CloudError, Identity, Progress, Reading, Series, SeriesRequest
from tui.engine import questions
from tui.engine.guardrails import bucket, bucket_start
from tui.engine.ports import Answer, Question, QuestionKind
from tui.runbook.model import Condition, Step

ACCOUNT, REGION = "123456789012", "us-east-1"


@dataclass
class DriverScript:
    """How one step's fake driver behaves."""

    polls: int = 2  # polls until done
    fail_start: CloudError | None = None
    fail_on_poll: int | None = None  # this poll returns `failed`
    undo_polls: int = 1
    fail_undo: str | None = None
    refuse_undo: CloudError | None = None  # raised by the first undo call (then cleared)
    found_started: bool = False
    found_undone: bool = False  # find_undone: AWS shows the undo done


class FakeDriver:
    """An ActionDriver whose every call is logged in the cloud's `calls`."""

    def __init__(self, cloud: FakeCloud, step: Step) -> None:
        self.cloud, self.step = cloud, step
        self.script = cloud.scripts.get(step.id, DriverScript())
        self._polls = 0
        self._undo_polls = 0

    def _log(self, what: str) -> None:
        self.cloud.calls.append((what, self.step.id))

    def capture(self) -> dict[str, Any]:
        self._log("capture")
        return {"before": f"{self.step.id}-old"}

    def start(self) -> Progress:
        self._log("start")
        if self.script.fail_start is not None:
            error, self.script.fail_start = self.script.fail_start, None
            raise error
        self.cloud.changed.add(self.step.id)
        return Progress("running", "started", percent=0.0)

    def poll(self) -> Progress:
        self._log("poll")
        self._polls += 1
        if self.script.fail_on_poll == self._polls:
            return Progress("failed", "boom", reason="the fake action failed")
        if self._polls >= self.script.polls:
            return Progress("done", "finished", percent=100.0)
        return Progress("running", f"poll {self._polls}", percent=50.0)

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        self._log("find_started")
        return self.script.found_started

    def cancel(self) -> None:
        self._log("cancel")

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        self._log("undo")
        assert captured == {"before": f"{self.step.id}-old"}
        if self.script.refuse_undo is not None:
            error, self.script.refuse_undo = self.script.refuse_undo, None
            raise error
        if self.script.fail_undo:
            return Progress("failed", reason=self.script.fail_undo)
        self.cloud.changed.discard(self.step.id)
        return Progress("running") if self.script.undo_polls else Progress("done")

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        self._log("find_undone")
        if not self.script.found_undone:
            return None
        self.cloud.changed.discard(self.step.id)
        return Progress("done", "already undone")

    def poll_undo(self) -> Progress:
        self._log("poll_undo")
        self._undo_polls += 1
        return (
            Progress("done") if self._undo_polls >= self.script.undo_polls else Progress("running")
        )


class FakeCloud:
    """A `Cloud` for one session of the engine tests."""

    def __init__(self, account: str = ACCOUNT, region: str = REGION) -> None:
        self.ident = Identity(account, f"arn:aws:iam::{account}:user/tester", region)
        self.metrics: dict[str, Callable[[datetime], float | None]] = {}
        self.reads: dict[str, Any] = {}
        self.scripts: dict[str, DriverScript] = {}
        self.calls: list[tuple[str, str]] = []
        self.changed: set[str] = set()
        self.fetches: list[tuple[datetime, int]] = []
        self.preflight_rows: list[Any] = []

    def identity(self) -> Identity:
        return self.ident

    def driver(self, step: Step) -> FakeDriver:
        self.calls.append(("driver", step.id))
        return FakeDriver(self, step)

    def fetch(self, requests: Sequence[SeriesRequest], now: datetime) -> dict[str, Series]:
        self.fetches.append((now, len(requests)))
        found = {}
        for request in requests:
            (metric,) = request.metrics.values()
            source = self.metrics.get(metric.name)
            period = request.period
            first = bucket(now - timedelta(seconds=request.window), period)
            points = []
            for index in range(first, bucket(now, period) + 1):
                value = source(bucket_start(index, period)) if source else None
                if value is not None:
                    points.append((bucket_start(index, period), float(value)))
            found[request.key] = Series(request.key, tuple(points))
        return found

    def read(self, condition: Condition) -> Reading:
        value = self.reads.get(condition.kind)
        return Reading(value, f"{condition.kind} is {value}")

    def renew_credentials(self) -> None:
        self.calls.append(("renew_credentials", ""))

    def preflight(self, runbook: Any, identity: Identity) -> list[Any]:
        """The rows a test set in `preflight_rows` (none: nothing to report)."""
        self.calls.append(("preflight", identity.account))
        return list(self.preflight_rows)


Script = Callable[[Question], Answer | str | None]


@dataclass
class FakeOperator:
    """Answers like a careful person unless `answers` says otherwise.

    `answers` maps a QuestionKind to a choice, an Answer, or a function of the Question; a
    list is used up one answer per question. Everything asked and shown is kept.
    """

    answers: dict[QuestionKind, Any] = field(default_factory=dict)
    asked: list[Question] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    who: str = "alice"

    def notify(self, event: Any) -> None:
        self.events.append(event)

    def ask(self, question: Question) -> Answer:
        self.asked.append(question)
        scripted = self.answers.get(question.kind)
        if isinstance(scripted, list):
            scripted = scripted.pop(0) if scripted else None
        if callable(scripted):
            scripted = scripted(question)
        if isinstance(scripted, Answer):
            return scripted
        if isinstance(scripted, str):
            return Answer(scripted, self.who, text=question.expected_text)
        if question.kind in (
            QuestionKind.CONFIRM,
            QuestionKind.TYPED,
            QuestionKind.CHECKLIST,
            QuestionKind.MANUAL,
        ):
            return Answer(questions.YES, self.who, text=question.expected_text)
        return Answer(question.default or questions.PAUSE, self.who)

    def kinds(self) -> list[QuestionKind]:
        """The kinds of the questions asked, in order."""
        return [q.kind for q in self.asked]
