"""The evidence half of `SessionLog`: each precondition checked and each guardrail poll, with
the values seen and the bounds they met or missed (docs/audit.md), what an auditor reads to know
on which evidence a person confirmed.

Mixed into `SessionLog` (session_log.py), which provides `_append`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.audit.events import Event
from tui.audit.record import Record


class EvidenceRecords:
    """Typed records for what the session checked and watched."""

    def _append(self, event: Event, payload: Mapping[str, Any], actor: str | None = None) -> Record:
        raise NotImplementedError

    def precondition(
        self,
        step: str,
        *,
        name: str,
        passed: bool,
        observed: Any,
        expected: Mapping[str, Any],
        detail: str | None = None,
    ) -> Record:
        """A precondition checked once before a step: the value seen and the bound it met or
        missed (`expected` is e.g. {"max": 1} or {"is": "AVAILABLE"})."""
        return self._append(
            Event.PRECONDITION,
            {
                "step": step,
                "name": name,
                "passed": passed,
                "observed": observed,
                "expected": dict(expected),
                "detail": detail,
            },
        )

    def guardrail(
        self,
        step: str,
        *,
        name: str,
        value: float | None,
        metrics: Mapping[str, float | None],
        breached: bool,
        threshold: Mapping[str, float],
        expr: str | None = None,
        consecutive: int = 0,
        needed: int = 1,
        on_breach: str = "warn",
        phase: str = "run",
        metric_time: str | None = None,
        decision: str | None = None,
    ) -> Record:
        """One poll of a guardrail: every metric value seen, the computed value, the bound.

        `metrics` maps the runbook's metric ids to their values; they are stored as a list of
        {"id", "value"} so user-chosen ids are never mistaken for secret keys. `decision` is
        set on the poll that triggered `on_breach` (warn, pause, rollback).
        """
        return self._append(
            Event.GUARDRAIL,
            {
                "step": step,
                "name": name,
                "expr": expr,
                "value": value,
                "metrics": [{"id": key, "value": val} for key, val in metrics.items()],
                "breached": breached,
                "threshold": dict(threshold),
                "consecutive": consecutive,
                "needed": needed,
                "on_breach": on_breach,
                "phase": phase,
                "metric_time": metric_time,
                "decision": decision,
            },
        )

    def preflight(self, rows: list[Mapping[str, Any]], *, refused: bool) -> Record:
        """The preflight's table before the checklist: each check, its result (`ok`, `warn`,
        `fail`, `not checked`), what it saw, what to do, and the IAM actions found missing."""
        return self._append(Event.PREFLIGHT, {"checks": list(rows), "refused": refused})
