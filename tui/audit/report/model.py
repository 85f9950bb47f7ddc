"""What a session report says, worked out once from a verified log; the renderers only lay it out.

Times are offsets from the session start (`+mm:ss`) next to UTC clock times, because a post-
mortem reads in offsets and a change ticket in clock times. "Waiting for people" is the sum of
the time every checklist answer and confirmation took: the part of the session a faster tool
could not shorten.
"""

from __future__ import annotations

from base64 import b64encode
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.audit.chain import LogReading, Record
from tui.audit.events import Event
from tui.audit.report.describe import describe
from tui.audit.report.summary import Exception_, People, exceptions, people, real_start
from tui.audit.state import ApiCall, Confirmation, SessionFold, StepState
from tui.audit.verify import format_duration, outcome_text

AROUND = 3
"""Guardrail polls shown before a question and after its answer."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    offset: str
    clock: str
    actor: str
    type: str
    text: str
    alert: bool


@dataclass(frozen=True)
class Decision:
    """A question put to a person, the answer, and the guardrail values around it."""

    confirmation: Confirmation
    offset: str
    before: list[Record]
    after: list[Record]

    @property
    def waited_s(self) -> float:
        """How long the answer took (0 if none was given)."""
        answer = self.confirmation.answer
        return float(answer.payload.get("elapsed_s") or 0) if answer else 0.0


@dataclass(frozen=True)
class Series:
    """One guardrail of one step: every poll, for a chart."""

    step: str
    name: str
    threshold: dict[str, Any]
    points: list[tuple[float, float | None, bool]]
    """(offset seconds, value, breached)"""
    marks: list[tuple[float, str]]
    """(offset seconds, label): questions answered and decisions taken"""


@dataclass
class StepReport:
    """One step: its record and the evidence gathered while it ran."""

    state: StepState
    started: str
    duration: str
    decisions: list[Decision] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)


@dataclass
class Report:
    """Everything a report shows."""

    title: str
    outcome: str
    facts: list[tuple[str, str]]
    params: dict[str, Any]
    checklist: list[Record]
    steps: list[StepReport]
    mutations: list[ApiCall]
    fold: SessionFold
    timeline: list[TimelineEntry]
    session_decisions: list[Decision]
    warnings: list[str]
    offsets: dict[int, str]
    """seq → `+mm:ss`"""
    people: People = field(default_factory=People)
    exceptions: list[Exception_] = field(default_factory=list)
    clock_label: str = "UTC"
    """What the log's times are: `UTC`, or `world time` in a rehearsal."""
    clocks: dict[int, str] = field(default_factory=dict)
    """seq → `09:03:15Z` (the log's clock: see `clock_label`)"""
    screens: dict[str, str] = field(default_factory=dict)
    """screenshot path (as logged) → a data: URI of its SVG, for an HTML file that stands alone"""


def clock_of(record: Record) -> str:
    """`09:03:15Z`."""
    return record.time.strftime("%H:%M:%SZ")


def _offset(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes:02d}:{secs:02d}"


def build_report(reading: LogReading) -> Report:
    """The report of a verified log (a torn final line is reported as a warning)."""
    fold = SessionFold.of(reading.records)
    start_time = reading.records[0].time
    offsets = {r.seq: _offset((r.time - start_time).total_seconds()) for r in reading.records}
    seconds = {r.seq: (r.time - start_time).total_seconds() for r in reading.records}
    warnings = []
    if reading.torn:
        warnings.append(
            f"The log ends in a torn line (line {reading.problem.line if reading.problem else '?'}"
            "): the session was cut off mid-write. The report covers the records before it."
        )
    if fold.end is None:
        warnings.append("The session has no end record: it was still running or was cut off.")
    steps = [_step_report(s, fold, offsets, seconds) for s in fold.steps.values()]
    in_steps = {id(d.confirmation) for s in steps for d in s.decisions}
    loose = [_decision(c, [], offsets) for c in fold.confirmations if id(c) not in in_steps]
    return Report(
        title=_title(fold),
        outcome=outcome_text(fold),
        facts=_facts(fold, reading, steps, loose, start_time),
        params=dict((fold.start.payload.get("params") if fold.start else None) or {}),
        checklist=fold.checklist,
        steps=steps,
        mutations=[c for c in fold.calls if c.mutating],
        fold=fold,
        timeline=_timeline(reading.records, offsets),
        session_decisions=loose,
        warnings=warnings,
        offsets=offsets,
        people=people(fold, reading.records),
        exceptions=exceptions(reading.records),
        clock_label="world time" if _rehearsal(fold) else "UTC",
        clocks={r.seq: clock_of(r) for r in reading.records},
        screens=_screens(reading.path.parent, fold),
    )


def _rehearsal(fold: SessionFold) -> bool:
    return bool(fold.start and fold.start.payload.get("mode") == "rehearsal")


def _screens(session_dir: Path, fold: SessionFold) -> dict[str, str]:
    """Each confirmed screen's SVG (paths in the log are relative to the session directory),
    as a data: URI: an `<img>` of it shows it and runs nothing in it. Only files inside the
    session directory are read."""
    found: dict[str, str] = {}
    root = session_dir.resolve()
    for c in fold.confirmations:
        shot = c.answer.payload.get("screenshot") if c.answer else None
        if not isinstance(shot, str) or shot in found:
            continue
        path = (session_dir / shot).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue
        try:
            found[shot] = "data:image/svg+xml;base64," + b64encode(path.read_bytes()).decode()
        except OSError:
            continue
    return found


def _title(fold: SessionFold) -> str:
    runbook = (fold.start.payload.get("runbook") if fold.start else None) or {}
    return f"Session report: {runbook.get('name', 'unknown runbook')}"


def _facts(
    fold: SessionFold,
    reading: LogReading,
    steps: list[StepReport],
    loose: list[Decision],
    start_time: datetime,
) -> list[tuple[str, str]]:
    start = fold.start.payload if fold.start else {}
    runbook = start.get("runbook") or {}
    aws = start.get("aws") or {}
    end_time = reading.records[-1].time
    decisions = [d for s in steps for d in s.decisions] + loose
    waited = sum(d.waited_s for d in decisions) + sum(
        float(r.payload.get("elapsed_s") or 0) for r in fold.checklist
    )
    timeouts = sum(
        1
        for d in decisions
        if d.confirmation.answer is not None
        and d.confirmation.answer.payload.get("answer") == "timeout"
    )
    answers = len(fold.checklist) + sum(1 for d in decisions if d.confirmation.answer)
    scenario = f" (scenario {start['scenario']})" if start.get("scenario") else ""
    # A rehearsal logs the world's clock (faster than real time, real time while a question
    # waits): say so, and give the real time it began (its directory's name).
    world = " (world time)" if start.get("mode") == "rehearsal" else ""
    facts = [
        ("Runbook", f"{runbook.get('name')}: {runbook.get('path')}"),
        ("Runbook SHA-256", str(runbook.get("sha256"))),
        ("Mode", f"{start.get('mode')}{scenario}"),
        ("AWS", f"account {aws.get('account')}, region {aws.get('region')}, {aws.get('arn')}"),
        (
            "Operator",
            f"{start.get('operator')} (OS user {start.get('os_user')}) on "
            f"{start.get('host')}, pid {start.get('pid')}",
        ),
        ("Tool", f"turnout {start.get('tool_version')}"),
        ("Started" + world, start_time.strftime("%Y-%m-%d %H:%M:%SZ")),
        ("Last record" + world, end_time.strftime("%Y-%m-%d %H:%M:%SZ")),
        ("Total time", format_duration(end_time - start_time)),
        (
            "Waiting for people",
            f"{format_duration(waited)} over {answers} answers"
            + (f" ({timeouts} timed out)" if timeouts else ""),
        ),
        (
            "Log",
            f"{len(reading.records)} events, hash chain verified; last hash {reading.last_hash}",
        ),
    ]
    began = real_start(reading.path.parent) if world else None
    if began is not None:
        facts.insert(6, ("Started (real time)", began.strftime("%Y-%m-%d %H:%M:%SZ")))
    if fold.resumes:
        facts.append(
            (
                "Resumed",
                ", ".join(f"at seq {r.seq} by {r.payload.get('os_user')}" for r in fold.resumes),
            )
        )
    return facts


def _step_report(
    state: StepState, fold: SessionFold, offsets: dict[int, str], seconds: dict[int, float]
) -> StepReport:
    start = state.start
    end = state.end
    duration = format_duration(end.time - start.time) if end else "still running"
    report = StepReport(state, offsets[start.seq], duration)
    report.decisions = [_decision(c, state.guardrails, offsets) for c in state.confirmations]
    names: dict[str, list[Record]] = {}
    for poll in state.guardrails:
        names.setdefault(str(poll.payload.get("name")), []).append(poll)
    for name, polls in names.items():
        marks = [
            (seconds[p.seq], str(p.payload["decision"])) for p in polls if p.payload.get("decision")
        ]
        marks += [
            (seconds[c.answer.seq], f"answer: {c.answer.payload.get('answer')}")
            for c in state.confirmations
            if c.answer is not None
        ]
        report.series.append(
            Series(
                state.id,
                name,
                dict(polls[-1].payload.get("threshold") or {}),
                [
                    (
                        seconds[p.seq],
                        _number(p.payload.get("value")),
                        bool(p.payload.get("breached")),
                    )
                    for p in polls
                ],
                sorted(marks),
            )
        )
    return report


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _decision(confirmation: Confirmation, polls: list[Record], offsets: dict[int, str]) -> Decision:
    asked = confirmation.prompt.seq
    answered = confirmation.answer.seq if confirmation.answer else asked
    before = [p for p in polls if p.seq < asked][-AROUND:]
    after = [p for p in polls if p.seq > answered][:AROUND]
    return Decision(confirmation, offsets[asked], before, after)


def _timeline(records: list[Record], offsets: dict[int, str]) -> list[TimelineEntry]:
    """Every record but the quiet guardrail polls (those are in the charts)."""
    entries = []
    for record in records:
        p = record.payload
        if record.type == Event.GUARDRAIL and not p.get("breached") and not p.get("decision"):
            continue
        alert = (
            (record.type == Event.GUARDRAIL and bool(p.get("breached")))
            or record.type
            in (
                Event.ROLLBACK_START,
                Event.LOG_REPAIR,
                Event.LOCK_BROKEN,
                Event.LEASE_REFUSED,
                Event.LEASE_BROKEN,
            )
            or (record.type == Event.API_RESULT and p.get("outcome") != "ok")
            or (record.type == Event.STEP_END and p.get("status") not in ("completed", "skipped"))
            or (record.type == Event.PRECONDITION and not p.get("passed"))
        )
        entries.append(
            TimelineEntry(
                offsets[record.seq],
                clock_of(record),
                record.actor,
                record.type,
                describe(record),
                alert,
            )
        )
    return entries
