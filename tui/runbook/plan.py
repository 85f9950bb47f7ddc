"""The plan: everything a run will do, as a stable JSON-ready document (format `turnout.plan/1`).

Built from a loaded runbook and the action catalogue alone: no AWS call. `turnout plan --json`
prints it; the rich rendering in tui/commands reads the same document, so the two never differ.
docs/runbook-language.md documents every field.
"""

from __future__ import annotations

from typing import Any

from tui.runbook.actions import CATALOGUE, CHECKS
from tui.runbook.actions.checks import RESOURCE_REFS
from tui.runbook.describe import condition_text, guardrail_text
from tui.runbook.model import (
    Approvals,
    Condition,
    ExprCondition,
    GroupCondition,
    Guardrail,
    HealthyTargetsCondition,
    Metric,
    MetricCondition,
    ResourceRef,
    Risk,
    Route53TtlCondition,
    Runbook,
    StatusCondition,
    Step,
)
from tui.runbook.notify import shown_url
from tui.runbook.ordering import wave_of_step
from tui.runbook.secrets import MASK, SECRETS

FORMAT = "turnout.plan/1"


def plan_document(runbook: Runbook) -> dict[str, Any]:
    """The whole run, in the order it will happen, with each step's checks and undo; secret
    values masked (it is only ever shown), a secret param marked `"secret": true`."""
    explicit: dict[str, list[str]] = {}
    for step in runbook.rollback:
        if step.undoes:
            explicit.setdefault(step.undoes, []).append(step.id)
    steps = [
        _step(step, n, runbook, explicit.get(step.id, []))
        for n, step in enumerate(runbook.order, start=1)
    ]
    rollback = [_step(step, n, runbook, []) for n, step in enumerate(runbook.rollback, start=1)]
    operations = sorted(
        {op for doc in (*steps, *rollback) for op in (*doc["operations"], *doc["check_operations"])}
        | {op for doc in steps for op in doc["undo"]["operations"]}
    )
    return SECRETS.data(
        {
            "format": FORMAT,
            "runbook": {
                "name": runbook.name,
                "title": runbook.title,
                "description": runbook.description,
                "file": runbook.file,
            },
            "target": {"account": runbook.target.account, "region": runbook.target.region},
            "window_seconds": runbook.window,
            "params": {
                p.name: {
                    "type": str(p.type),
                    "value": MASK if p.secret else p.value,
                    "source": p.source,
                }
                | ({"secret": True} if p.secret else {})
                for p in runbook.params.values()
            },
            "checklist": list(runbook.checklist),
            # The runbook's four-eyes rule: irreversible steps and overrides.
            "approvals": _approvals(runbook.approvals),
            "waves": [list(wave) for wave in runbook.waves],
            "steps": steps,
            "rollback": {
                "automatic": "completed steps are undone in reverse order; a step named in a "
                "rollback step's `undoes` is undone by that step instead; rollback steps without "
                "`undoes` run last, in file order",
                "steps": rollback,
            },
            "operations": operations,
            "notify": [
                {"url": shown_url(t.url), "events": list(t.events), "format": t.format}
                for t in runbook.notify
            ],
        }
    )


def _approvals(rule: Approvals | None) -> dict[str, Any] | None:
    """Who must approve besides the operator (tui/engine/approvals.py), or None."""
    if rule is None:
        return None
    return {
        "required": rule.required,
        "from": list(rule.approvers),
        "timeout_seconds": rule.timeout,
    }


def _step(step: Step, order: int, runbook: Runbook, undone_by: list[str]) -> dict[str, Any]:
    spec = CATALOGUE[step.action]
    checks = sorted(
        {op for c in step.preconditions for op in _check_operations(c)}
        | {op for g in step.guardrails for op in _check_operations(g.condition)}
    )
    return {
        "order": order,
        "id": step.id,
        "title": step.title,
        "service": step.service,
        "wave": wave_of_step(step, runbook.waves),
        "action": step.action,
        "summary": spec.summary,
        "risk": str(step.risk),
        "confirm": {"required": step.confirm, "phrase": step.confirm_phrase},
        "approvals": _approvals(
            step.approvals or (runbook.approvals if step.irreversible else None)
        ),
        "arguments": step.arguments,
        "operations": list(spec.operations),
        "records": spec.records,
        "preconditions": [_condition(c) for c in step.preconditions],
        "guardrails": [_guardrail(g) for g in step.guardrails],
        "bake_seconds": step.bake,
        "check_operations": checks,
        "undo": _undo(step, undone_by),
        "undoes": step.undoes,
        "description": step.description,
        "location": str(step.location),
    }


def _undo(step: Step, undone_by: list[str]) -> dict[str, Any]:
    spec = CATALOGUE[step.action]
    if step.risk is Risk.IRREVERSIBLE:
        summary = (
            spec.undo
            if spec.risk is Risk.IRREVERSIBLE
            else (
                f"None: the step is marked irreversible, so turnout does not undo it. ({spec.undo})"
            )
        )
        return {"kind": "none", "summary": summary, "operations": [], "steps": []}
    if undone_by:
        return {
            "kind": "explicit",
            "summary": f"Rollback step(s) {', '.join(undone_by)} replace the automatic undo.",
            "operations": [],
            "steps": undone_by,
        }
    kind = "automatic" if spec.has_undo else "none"
    return {
        "kind": kind,
        "summary": spec.undo,
        "operations": list(spec.undo_operations),
        "steps": [],
    }


def _check_operations(condition: Condition) -> list[str]:
    found = list(CHECKS[condition.kind].operations)
    if isinstance(condition, GroupCondition):
        found += [op for c in condition.conditions for op in _check_operations(c)]
    metrics: list[Metric] = []
    if isinstance(condition, MetricCondition):
        metrics = [condition.metric]
    elif isinstance(condition, ExprCondition):
        metrics = list(condition.metrics.values())
    for metric in metrics:
        for value in metric.dimensions.values():
            if isinstance(value, ResourceRef):
                found += RESOURCE_REFS[value.kind]
    return found


def _metric(metric: Metric) -> dict[str, Any]:
    return {
        "namespace": metric.namespace,
        "name": metric.name,
        "stat": metric.stat,
        "period_seconds": metric.period,
        "dimensions": {
            k: ({"resource": v.kind, "name": v.name} if isinstance(v, ResourceRef) else v)
            for k, v in metric.dimensions.items()
        },
    }


def _condition(condition: Condition) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": condition.kind, "text": condition_text(condition)}
    if isinstance(condition, MetricCondition | ExprCondition):
        if isinstance(condition, MetricCondition):
            doc["metric"] = _metric(condition.metric)
        else:
            doc["expr"] = condition.expr
            doc["metrics"] = {k: _metric(m) for k, m in condition.metrics.items()}
        doc["min"] = condition.threshold.minimum
        doc["max"] = condition.threshold.maximum
    elif isinstance(condition, Route53TtlCondition):
        doc.update(
            zone=condition.zone, record=condition.record, type=condition.type, max=condition.maximum
        )
    elif isinstance(condition, StatusCondition):
        doc.update(resource=condition.resource, status=condition.status)
    elif isinstance(condition, HealthyTargetsCondition):
        doc.update(target_group=condition.target_group, min=condition.minimum)
    elif isinstance(condition, GroupCondition):
        doc["conditions"] = [_condition(c) for c in condition.conditions]
    return doc


def _guardrail(guardrail: Guardrail) -> dict[str, Any]:
    return {
        "name": guardrail.name,
        "text": guardrail_text(guardrail),
        "description": guardrail.description,
        "condition": _condition(guardrail.condition),
        "for": guardrail.consecutive,
        "on_breach": str(guardrail.on_breach),
        "missing_data": str(guardrail.missing_data),
        "confirm_timeout_seconds": guardrail.confirm_timeout,
    }
