"""A JSON Schema (draft 2020-12) of the runbook language, built from the catalogue.

Editors with a YAML language server use it to complete and check runbooks as they are typed
(`# yaml-language-server: $schema=...`). It is a guide for editors: the loader's own checks
(with file:line:col and "did you mean") remain the authority, and catch more (cycles, unknown
`${params}`, cross-argument rules).
"""

from __future__ import annotations

from typing import Any

from tui.runbook.actions import CATALOGUE, ActionSpec, ArgSpec
from tui.runbook.actions.checks import BLUE_GREEN_STATUSES, RESOURCE_REFS
from tui.runbook.audit_copies import AUDIT_SCHEMA
from tui.runbook.loader import ACCOUNT, REGION, RUNBOOK_NAME
from tui.runbook.model import MissingData, Severity
from tui.runbook.notify import FORMATS, NOTIFY_EVENTS
from tui.runbook.params import NAME
from tui.runbook.steps import STEP_ID
from tui.runbook.values import ValueType

SCHEMA_ID = "https://turnout.invalid/schemas/runbook.schema.json"
_SUB = {"$ref": "#/$defs/substitution"}
_STR = {"type": "string"}
_DURATION_PATTERN = r"^(?=.)([0-9]+h)?([0-9]+m)?([0-9]+s)?$"


def _or_sub(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, _SUB]}


def value_schema(vtype: ValueType, arg: ArgSpec | None = None) -> dict[str, Any]:
    """The schema of one value of `vtype`, with the argument's constraints if given."""
    rules = arg.constraints if arg else None
    item = vtype.item
    if item is not None:
        inner = value_schema(item, arg)
        if vtype.is_list:
            return _or_sub({"type": "array", "items": inner})
        return _or_sub({"type": "object", "additionalProperties": inner})
    if vtype is ValueType.DURATION:
        return {"$ref": "#/$defs/duration"}
    base: dict[str, Any] = {
        ValueType.STRING: {"type": "string"},
        ValueType.INTEGER: {"type": "integer"},
        ValueType.NUMBER: {"type": "number"},
        ValueType.BOOLEAN: {"type": "boolean"},
    }[vtype].copy()
    if rules is not None:
        if rules.choices:
            base["enum"] = list(rules.choices)
        if rules.pattern and vtype is ValueType.STRING:
            base["pattern"] = rules.pattern
        if rules.minimum is not None and vtype is not ValueType.STRING:
            base["minimum"] = rules.minimum
        if rules.maximum is not None and vtype is not ValueType.STRING:
            base["maximum"] = rules.maximum
    # Any string may hold `${...}`; other types may be written as exactly `${name}`.
    if vtype is ValueType.STRING and not base.keys() - {"type"}:
        return base
    return _or_sub(base)


def _with_schema(spec: ActionSpec) -> dict[str, Any]:
    properties = {}
    for a in spec.args:
        schema = {**value_schema(a.type, a), "description": a.doc}
        if a.default not in (None, [], {}):
            schema["default"] = int(a.default) if a.type is ValueType.DURATION else a.default
            if a.type is ValueType.DURATION:
                schema["default"] = str(a.default)
        properties[a.name] = schema
    return {
        "type": "object",
        "description": spec.summary,
        "additionalProperties": False,
        "properties": properties,
        "required": [a.name for a in spec.args if a.required],
    }


def _step_schema(rollback: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": STEP_ID.pattern, "description": "Unique step id."},
        "title": {"type": "string", "description": "A short title for the step."},
        "service": {"type": "string", "description": "The service (under services:) it upgrades."},
        "action": {"enum": sorted(CATALOGUE), "description": "What the step does."},
        "with": {"type": "object", "description": "The action's arguments."},
        "confirm": {
            "anyOf": [{"type": "boolean"}, {"type": "string", "minLength": 1}],
            "description": "Ask before acting; a string is the phrase the operator must type.",
        },
        "irreversible": {"type": "boolean", "description": "Cannot be undone: typed confirmation."},
        "description": {"type": "string", "description": "Markdown shown in the step pane."},
        "preconditions": {"type": "array", "items": {"$ref": "#/$defs/precondition"}},
        "guardrails": {"type": "array", "items": {"$ref": "#/$defs/guardrail"}},
        "bake": {"$ref": "#/$defs/duration"},
    }
    if not rollback:
        properties["approvals"] = {"$ref": "#/$defs/approvals"}
    if rollback:
        properties["undoes"] = {
            "type": "string",
            "description": "The step whose undo this replaces.",
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "action"],
        "properties": properties,
        "allOf": [
            {
                "if": {"properties": {"action": {"const": name}}, "required": ["action"]},
                "then": {"properties": {"with": {"$ref": f"#/$defs/with/{name}"}}},
            }
            for name in sorted(CATALOGUE)
        ],
    }


def _defs() -> dict[str, Any]:
    threshold = {"min": _or_sub({"type": "number"}), "max": _or_sub({"type": "number"})}
    label = {"name": _STR}
    metric_kinds = ["metric", "expr", "all", "any"]

    def kind(
        key: str, value: Any, extra: dict[str, Any], required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [key, *required],
            "properties": {key: value, **label, **extra},
        }

    conditions = {
        "metric": kind("metric", {"$ref": "#/$defs/metric"}, threshold),
        "expr": kind(
            "expr", _STR, {**threshold, "metrics": {"$ref": "#/$defs/metrics"}}, ("metrics",)
        ),
        "route53_ttl": kind(
            "route53_ttl",
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["zone", "record"],
                "properties": {
                    "zone": _STR,
                    "record": _STR,
                    "type": {"enum": ["A", "AAAA", "CNAME"]},
                },
            },
            {"max": _or_sub({"type": "integer"})},
            ("max",),
        ),
        "blue_green_status": kind(
            "blue_green_status", _STR, {"is": {"enum": list(BLUE_GREEN_STATUSES)}}, ("is",)
        ),
        "db_instance_status": kind("db_instance_status", _STR, {"is": _STR}, ("is",)),
        "healthy_targets": kind(
            "healthy_targets", _STR, {"min": _or_sub({"type": "integer"})}, ("min",)
        ),
    }
    group = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/precondition"}}
    signal_group = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/signal"}}
    guardrail_properties = {
        "name": _STR,
        "description": _STR,
        "metric": {"$ref": "#/$defs/metric"},
        "expr": _STR,
        "metrics": {"$ref": "#/$defs/metrics"},
        "all": signal_group,
        "any": signal_group,
        **threshold,
        "for": _or_sub({"type": "integer", "minimum": 1}),
        "on_breach": {"enum": [s.value for s in Severity], "default": "pause"},
        "missing_data": {"enum": [m.value for m in MissingData], "default": "ignore"},
        "confirm_timeout": {"$ref": "#/$defs/duration"},
    }
    return {
        "substitution": {"type": "string", "pattern": r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"},
        "duration": {
            "anyOf": [{"type": "string", "pattern": _DURATION_PATTERN}, _SUB],
            "description": "A duration: 30s, 5m, 2h or 1h30m.",
        },
        "approvals": {
            "type": "object",
            "additionalProperties": False,
            "required": ["required"],
            "description": (
                "Four-eyes: people other than the operator who must approve (turnout approve) "
                "before the session goes on. On a step: that step. On the runbook: every "
                "irreversible step and every override."
            ),
            "properties": {
                "required": {"type": "integer", "minimum": 1, "maximum": 5},
                "from": {
                    "type": "array",
                    "items": _STR,
                    "description": "ARN patterns (* and ?) or names (OS user, IAM user, role "
                    "session name); empty: anyone but the operator.",
                },
                "timeout": {"$ref": "#/$defs/duration", "default": "15m"},
            },
        },
        "metric": {
            "type": "object",
            "additionalProperties": False,
            "required": ["namespace", "name", "stat"],
            "properties": {
                "namespace": _STR,
                "name": _STR,
                "stat": _STR,
                "period": {"$ref": "#/$defs/duration"},
                "dimensions": {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [
                            _STR,
                            {
                                "type": "object",
                                "minProperties": 1,
                                "maxProperties": 1,
                                "additionalProperties": False,
                                "properties": {k: _STR for k in RESOURCE_REFS},
                            },
                        ]
                    },
                },
            },
        },
        "metrics": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][A-Za-z0-9_]*$"},
            "additionalProperties": {"$ref": "#/$defs/metric"},
        },
        "precondition": {
            "anyOf": [
                *conditions.values(),
                kind("all", group, {}),
                kind("any", group, {}),
            ]
        },
        "signal": {
            "anyOf": [
                conditions["metric"],
                conditions["expr"],
                kind("all", signal_group, {}),
                kind("any", signal_group, {}),
            ]
        },
        "guardrail": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": guardrail_properties,
            "anyOf": [{"required": [k]} for k in metric_kinds],
        },
        "param": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": [t.value for t in ValueType]},
                        "default": {},
                        "required": {"type": "boolean"},
                        "pattern": _STR,
                        "choices": {"type": "array"},
                        "description": _STR,
                        "secret": {
                            "type": "boolean",
                            "description": "Mask the value everywhere it would be shown or "
                            "logged (default: true for a string param whose name looks secret).",
                        },
                    },
                },
            ],
        },
        "step": _step_schema(rollback=False),
        "rollback_step": _step_schema(rollback=True),
        "with": {name: _with_schema(spec) for name, spec in sorted(CATALOGUE.items())},
    }


def _notify_target() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A webhook told of the session's events (docs/notify.md).",
        "additionalProperties": False,
        "required": ["url"],
        "properties": {
            "url": {
                "type": "string",
                "description": "https:// (http:// only to 127.0.0.1 or localhost); a secret",
                "pattern": "^(https?://|\\$\\{)",
            },
            "events": {
                "type": "array",
                "minItems": 1,
                "description": "the events it hears; all of them when left out",
                "items": {"enum": list(NOTIFY_EVENTS)},
            },
            "format": {"enum": list(FORMATS), "default": "slack"},
        },
    }


def runbook_schema() -> dict[str, Any]:
    """The JSON Schema of a runbook file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "turnout runbook",
        "description": "A zero-downtime AWS upgrade, one confirmed step at a time.",
        "type": "object",
        "additionalProperties": False,
        "required": ["runbook", "title", "target", "steps"],
        "properties": {
            "runbook": {"type": "string", "pattern": RUNBOOK_NAME.pattern},
            "title": _STR,
            "description": {"type": "string", "description": "Markdown for the on-call engineer."},
            "target": {
                "type": "object",
                "additionalProperties": False,
                "required": ["account", "region"],
                "properties": {
                    "account": {"anyOf": [{"type": "string", "pattern": ACCOUNT.pattern}, _SUB]},
                    "region": {"anyOf": [{"type": "string", "pattern": REGION.pattern}, _SUB]},
                },
            },
            "window": {"$ref": "#/$defs/duration"},
            "params": {
                "type": "object",
                "propertyNames": {"pattern": NAME.pattern},
                "additionalProperties": {"$ref": "#/$defs/param"},
            },
            "checklist": {"type": "array", "items": _STR},
            "services": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "depends_on": {"type": "array", "items": _STR},
                                "description": _STR,
                            },
                        },
                    ]
                },
            },
            "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
            "rollback": {"type": "array", "items": {"$ref": "#/$defs/rollback_step"}},
            "audit": AUDIT_SCHEMA,
            "notify": {"type": "array", "items": _notify_target()},
            "approvals": {"$ref": "#/$defs/approvals"},
        },
        "$defs": _defs(),
    }
