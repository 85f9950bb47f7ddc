"""The drill's debrief, printed after `turnout rehearse`: what users lived through (the world's
ledger) against what the session saw and did (its audit log).

- time to detect: from the fault's first user errors to the first guardrail decision;
- time to roll back: from that decision to the end of the verified rollback;
- errors served to users during the session, and the error rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tui.audit.chain import read_log
from tui.rehearsal.debrief import Ledger


@dataclass(frozen=True)
class Debrief:
    """The drill in numbers (None: it did not happen)."""

    scenario: str
    faults_planned: bool  # the scenario has faults (they may not have begun yet)
    fault_at: datetime | None
    first_errors_at: datetime | None
    detected_at: datetime | None
    rollback_started_at: datetime | None
    ended_at: datetime | None
    outcome: str
    requests: int
    errors: int

    @property
    def time_to_detect(self) -> float | None:
        """Seconds from users' first errors to the first guardrail decision."""
        if self.first_errors_at and self.detected_at:
            return max(0.0, (self.detected_at - self.first_errors_at).total_seconds())
        return None

    @property
    def time_to_roll_back(self) -> float | None:
        """Seconds from the decision (or the rollback's start) to the verified end."""
        begun = self.detected_at or self.rollback_started_at
        if begun and self.rollback_started_at and self.ended_at:
            return (self.ended_at - begun).total_seconds()
        return None


def build_debrief(
    scenario: str, ledger: Ledger, session_dir: Path, *, faults_planned: bool = True
) -> Debrief:
    """Read the session's log and the world's ledger."""
    records = read_log(session_dir).records
    start = next((r.time for r in records if r.type == "session.start"), None)
    detected = next(
        (r.time for r in records if r.type == "guardrail.evaluated" and r.payload.get("decision")),
        None,
    )
    rollback = next((r.time for r in records if r.type == "rollback.start"), None)
    end = next((r for r in records if r.type == "session.end"), None)
    fault_at = min(ledger.fault_started.values(), default=None)
    first_errors = ledger.first_errors_after(fault_at) if fault_at else None
    # During the session only: the world goes on serving until it stops, after the debrief.
    requests, errors = ledger.totals(since=start, until=end.time if end else None)
    return Debrief(
        scenario=scenario,
        faults_planned=faults_planned,
        fault_at=fault_at,
        first_errors_at=first_errors,
        detected_at=detected,
        rollback_started_at=rollback,
        ended_at=end.time if end else None,
        outcome=str(end.payload.get("outcome")) if end else "unfinished",
        requests=requests,
        errors=errors,
    )


def _seconds(value: float | None, missing: str) -> str:
    if value is None:
        return missing
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def debrief_rows(debrief: Debrief) -> list[tuple[str, str]]:
    """The debrief as (what, value) rows: printed after the app, and shown in it."""
    if debrief.fault_at:
        fault = debrief.fault_at.strftime("%H:%M:%S")
    else:
        fault = "not yet: the session ended first" if debrief.faults_planned else "none planned"
    rate = 100 * debrief.errors / debrief.requests if debrief.requests else 0.0
    return [
        ("outcome", debrief.outcome.replace("_", " ")),
        ("fault began", fault),
        (
            "users first saw errors",
            debrief.first_errors_at.strftime("%H:%M:%S") if debrief.first_errors_at else "never",
        ),
        (
            "time to detect",
            _seconds(
                debrief.time_to_detect, "no guardrail fired" if not debrief.detected_at else "—"
            ),
        ),
        ("time to roll back", _seconds(debrief.time_to_roll_back, "no rollback")),
        # "of N requests" would wrap in the app at 80×24: the label says what is counted.
        ("errors served to users", f"{debrief.errors} of {debrief.requests} ({rate:.2f} %)"),
    ]


def debrief_title(debrief: Debrief) -> str:
    """`Debrief: scenario bad-ami`."""
    return f"Debrief: scenario {debrief.scenario}"


def print_debrief(debrief: Debrief, console: Console) -> None:
    """The debrief as a small table (times are world time)."""
    table = Table(title=debrief_title(debrief), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for what, value in debrief_rows(debrief):
        table.add_row(what, value)
    console.print(table)
