"""What users experienced during a drill (the simulator's ledger: requests, errors, latency,
faults) and the debrief read from it and the session's log."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Sample:
    """One simulator interval as users lived it."""

    at: datetime
    requests: int
    errors: int  # 5xx served to users, by targets or by the load balancer
    p99_latency: float


@dataclass
class Ledger:
    """The drill's record, appended by the simulator thread and read by the debrief."""

    samples: list[Sample] = field(default_factory=list)
    fault_started: dict[str, datetime] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, sample: Sample) -> None:
        """Add one interval."""
        with self._lock:
            self.samples.append(sample)

    def fault_began(self, name: str, at: datetime) -> None:
        """Note when a fault first took effect (kept once: the first time counts)."""
        with self._lock:
            self.fault_started.setdefault(name, at)

    def totals(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> tuple[int, int]:
        """Requests and errors served from `since` to `until` (each open when None)."""
        with self._lock:
            chosen = [
                s
                for s in self.samples
                if (since is None or s.at >= since) and (until is None or s.at <= until)
            ]
        return sum(s.requests for s in chosen), sum(s.errors for s in chosen)

    def first_errors_after(self, since: datetime, threshold: float = 0.01) -> datetime | None:
        """When users first saw an error rate above `threshold` at or after `since`."""
        with self._lock:
            for sample in self.samples:
                if (
                    sample.at >= since
                    and sample.requests
                    and (sample.errors / sample.requests > threshold)
                ):
                    return sample.at
        return None

    def first_errors_between(
        self, since: datetime | None, until: datetime | None = None, *, slow: float | None = None
    ) -> datetime | None:
        """When users first saw any error (one 5xx counts) from `since` to `until`: the same
        window and the same samples as `totals`, so "errors served: 17" never stands beside
        "users first saw errors: never" (a threshold of 1 % per sample hid a slow trickle).
        With `slow`, a p99 latency above it counts too (a fault that only slows)."""
        with self._lock:
            for sample in self.samples:
                if since is not None and sample.at < since:
                    continue
                if until is not None and sample.at > until:
                    break
                if sample.errors or (slow is not None and sample.p99_latency > slow):
                    return sample.at
        return None


SLOW = 0.5
"""Seconds of p99 latency above which users are taken to have met a fault that only slows
(the shipped runbooks' latency guardrails pause at 0.5 s)."""


@dataclass(frozen=True)
class Debrief:
    """A drill in numbers, read once from the world's ledger and the session's log (None: it
    did not happen). Everything that shows a debrief (the app, the printed table, the score,
    the trainee's history) shows this one object, so their numbers cannot disagree."""

    scenario: str
    faults_planned: bool  # the scenario has faults (they may not have begun yet)
    fault_at: datetime | None
    first_errors_at: datetime | None  # users' first error during the session
    detected_at: datetime | None  # the first guardrail decision, or failed step
    rollback_started_at: datetime | None
    ended_at: datetime | None
    outcome: str
    requests: int
    errors: int
    trouble_at: datetime | None = None  # users' first error once the fault had begun
    restored_at: datetime | None = None  # the rollback's last undo that called AWS

    @property
    def time_to_detect(self) -> float | None:
        """Seconds from the trouble users first met (their first error, or p99 above `SLOW`,
        once the fault had begun; else the fault's start) to the first guardrail decision or
        failed step."""
        began = self.trouble_at or self.fault_at
        if began and self.detected_at:
            return max(0.0, (self.detected_at - began).total_seconds())
        return None

    @property
    def time_to_roll_back(self) -> float | None:
        """Seconds from the decision (or the rollback's start) until traffic was restored: the
        last undo that changed AWS (the listener's weights, the records, the service), not the
        verification after it, which only watches."""
        begun = self.detected_at or self.rollback_started_at
        if begun and self.rollback_started_at and self.restored_at:
            return max(0.0, (self.restored_at - begun).total_seconds())
        return None

    @property
    def error_share(self) -> float:
        """Errors as a share of the requests served during the session (0 to 1)."""
        return self.errors / self.requests if self.requests else 0.0


def build_debrief(
    scenario: str, ledger: Ledger, session_dir: Path, *, faults_planned: bool = True
) -> Debrief:
    """Read the session's log and the world's ledger (call it once the world has stepped past
    the session's end: `tui/commands/rehearse.py` does)."""
    from tui.audit.chain import read_log

    records = read_log(session_dir).records
    start = next((r.time for r in records if r.type == "session.start"), None)
    detected = next((r.time for r in records if _detects(r)), None)
    rollback = next((r.time for r in records if r.type == "rollback.start"), None)
    end = next((r for r in records if r.type == "session.end"), None)
    until = end.time if end else None
    fault_at = min(ledger.fault_started.values(), default=None)
    # During the session only: the world goes on serving until it stops, after the debrief.
    requests, errors = ledger.totals(since=start, until=until)
    trouble = None
    if fault_at is not None:
        since = max(fault_at, start) if start else fault_at
        trouble = ledger.first_errors_between(since, until, slow=SLOW)
    return Debrief(
        scenario=scenario,
        faults_planned=faults_planned,
        fault_at=fault_at,
        first_errors_at=ledger.first_errors_between(start, until),
        detected_at=detected,
        rollback_started_at=rollback,
        ended_at=until,
        outcome=str(end.payload.get("outcome")) if end else "unfinished",
        requests=requests,
        errors=errors,
        trouble_at=trouble,
        restored_at=traffic_restored_at(records),
    )


def _detects(record: Any) -> bool:
    """A record that says the session saw trouble: a guardrail's decision, or a step that
    failed (ECS's circuit breaker failing a rollout is seen by the step, not a guardrail)."""
    if record.type == "guardrail.evaluated":
        return bool(record.payload.get("decision"))
    if record.type == "confirm.prompt":
        return record.payload.get("kind") == "step_failed"
    return record.type == "step.end" and record.payload.get("status") == "failed"


def traffic_restored_at(records: Sequence[Any]) -> datetime | None:
    """When the rollback put back the last thing it changed in AWS: the `rollback.step` of the
    last undo that sent a mutating call (a manual step reversed by hand, or the verification
    that follows, restore no traffic). None when nothing was rolled back."""
    mutated: set[str] = set()
    restored: datetime | None = None
    rolling = False
    for record in records:
        payload = record.payload
        if record.type == "rollback.start":
            rolling = True
        elif record.type == "rollback.end":
            break
        elif rolling and record.type == "api.intent" and payload.get("mutating"):
            if payload.get("rollback") and payload.get("step"):
                mutated.add(str(payload["step"]))
        elif rolling and record.type == "rollback.step" and payload.get("step") in mutated:
            restored = record.time
    return restored
