"""Reading steps: the action and its `with:` checked against the catalogue, confirmation, checks."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from tui.errors import Location
from tui.runbook.actions import CATALOGUE, ActionSpec
from tui.runbook.approvals import read_approvals
from tui.runbook.conditions import PRECONDITION_KINDS, read_condition, read_guardrail
from tui.runbook.fields import Fields
from tui.runbook.model import Risk, Step
from tui.runbook.problems import Problems, did_you_mean
from tui.runbook.source import Node
from tui.runbook.values import INVALID, ValueType, check_constraints, check_node

STEP_KEYS = (
    "id",
    "title",
    "service",
    "action",
    "with",
    "confirm",
    "irreversible",
    "description",
    "preconditions",
    "guardrails",
    "bake",
    "approvals",
)
ROLLBACK_STEP_KEYS = (*STEP_KEYS, "undoes")
STEP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class StepContext:
    """What a step is checked against: the declared services and the step ids seen so far."""

    services: Collection[str]
    seen_ids: dict[str, Location] = field(default_factory=dict)


def read_step(
    node: Node, what: str, problems: Problems, context: StepContext, *, rollback: bool = False
) -> Step | None:
    """One step (a forward step, or with `rollback=True` a step of `rollback:`)."""
    keys = ROLLBACK_STEP_KEYS if rollback else STEP_KEYS
    written_id = node.value.get("id") if node.is_mapping else None
    if written_id is not None and isinstance(written_id.value, str):
        what = f"step {written_id.value}"
    fields = Fields(node, what, problems, keys, required=("id", "action"))
    if not fields.ok:
        return None
    step_id = fields.get("id", ValueType.STRING)
    if isinstance(step_id, str):
        what = f"step {step_id}"
        if not STEP_ID.match(step_id):
            problems.add(
                fields.value_location("id"), f"{what}: an id is letters, digits, -, _ and . only"
            )
        if step_id in context.seen_ids:
            first = context.seen_ids[step_id]
            problems.add(
                fields.value_location("id"),
                f'duplicate step id "{step_id}" (first at line {first.line})',
            )
            step_id = INVALID
        else:
            context.seen_ids[step_id] = fields.value_location("id")
    action_name = fields.get("action", ValueType.STRING)
    spec = _action(fields, action_name, what)
    arguments = _arguments(fields, spec, what)
    confirm_value = _confirm(fields, what)
    irreversible = fields.get("irreversible", ValueType.BOOLEAN, False)
    if irreversible is True and confirm_value in (False, None):
        problems.add(
            fields.key_location("irreversible"),
            f"{what}: an irreversible step needs `confirm` "
            "(true, or the phrase the operator types)",
        )
    if spec is not None and spec.risk is Risk.IRREVERSIBLE and irreversible is not True:
        problems.add(
            fields.value_location("action"),
            f"{what}: {spec.name} cannot be undone: "
            "mark the step `irreversible: true` and give `confirm`",
        )
    preconditions = [
        read_condition(n, f"{what}.preconditions[{i}]", problems, tuple(PRECONDITION_KINDS))
        for i, n in enumerate(fields.sequence("preconditions"))
    ]
    guardrails = [
        read_guardrail(n, f"{what}.guardrails[{i}]", problems)
        for i, n in enumerate(fields.sequence("guardrails"))
    ]
    _unique_guardrail_names(guardrails, what, problems)
    bake = fields.get("bake", ValueType.DURATION)
    service = fields.get("service", ValueType.STRING)
    if isinstance(service, str) and service not in context.services:
        hint = did_you_mean(service, context.services) or (
            f"; declared: {', '.join(context.services)}"
            if context.services
            else "; declare it under services:"
        )
        problems.add(fields.value_location("service"), f'{what}: unknown service "{service}"{hint}')
        service = INVALID
    title = fields.get("title", ValueType.STRING, "")
    description = fields.get("description", ValueType.STRING, "")
    undoes = fields.get("undoes", ValueType.STRING) if rollback else None
    approvals = read_approvals(fields.get_node("approvals"), what, problems)
    if approvals is not None and rollback and approvals is not INVALID:
        problems.add(
            fields.key_location("approvals"),
            f"{what}: a rollback step cannot wait for approvals (a rollback never waits on "
            "people who are not there); put them on the forward step",
        )
        approvals = INVALID
    values = (
        step_id,
        action_name,
        arguments,
        confirm_value,
        irreversible,
        bake,
        service,
        title,
        description,
        undoes,
        approvals,
        *preconditions,
        *guardrails,
    )
    if (
        spec is None
        or any(v is INVALID for v in values)
        or any(v is None for v in (*preconditions, *guardrails))
    ):
        return None
    risk = Risk.IRREVERSIBLE if irreversible else spec.risk
    phrase = (
        confirm_value if isinstance(confirm_value, str) else (step_id if irreversible else None)
    )
    return Step(
        id=step_id,
        action=spec.name,
        arguments=arguments,
        risk=risk,
        service=service,
        title=title,
        description=description,
        # Approvals are asked for once the operator has said yes: the step is confirmed.
        confirm=bool(confirm_value) or irreversible or approvals is not None,
        confirm_phrase=phrase,
        irreversible=irreversible,
        preconditions=tuple(preconditions),
        guardrails=tuple(guardrails),
        bake=bake,
        undoes=undoes,
        location=node.location,
        approvals=approvals,
    )


def _action(fields: Fields, name: Any, what: str) -> ActionSpec | None:
    if not isinstance(name, str):
        return None
    spec = CATALOGUE.get(name)
    if spec is None:
        hint = did_you_mean(name, CATALOGUE) or "; `turnout schema` lists every action"
        fields.problems.add(
            fields.value_location("action"), f'{what}: unknown action "{name}"{hint}'
        )
    return spec


def _confirm(fields: Fields, what: str) -> Any:
    node = fields.get_node("confirm")
    if node is None:
        return None
    if isinstance(node.value, bool | str) and node.value != "":
        return node.value
    fields.problems.add(
        node.location, f"{what}.confirm: true, false, or the phrase the operator must type"
    )
    return INVALID


def _arguments(fields: Fields, spec: ActionSpec | None, what: str) -> Any:
    """The step's `with:` checked against the action, defaults filled in; INVALID if broken."""
    problems = fields.problems
    with_node = fields.get_node("with") or Node({}, fields.key_location("action"))
    if spec is None:
        return INVALID
    allowed = [a.name for a in spec.args]
    given = Fields(
        with_node,
        f"{what}.with",
        problems,
        allowed,
        required=[a.name for a in spec.args if a.required],
    )
    if not given.ok:
        return INVALID
    result: dict[str, Any] = {}
    broken = False
    for spec_arg in spec.args:
        node = given.get_node(spec_arg.name)
        if node is None:
            result[spec_arg.name] = spec_arg.default
            broken |= spec_arg.required
            continue
        label = f"{what}.with.{spec_arg.name}"
        value = check_node(node, spec_arg.type, label, problems)
        if value is not INVALID:
            messages = check_constraints(value, spec_arg.constraints, label)
            for message in messages:
                problems.add(node.location, message)
            value = INVALID if messages else value
        broken |= value is INVALID
        result[spec_arg.name] = value
    broken |= any(k not in allowed for k in given.items)
    for group in spec.exactly_one_of:
        written = [name for name in group if name in given]
        if len(written) != 1:
            say = "not both" if len(written) > 1 else "one is needed"
            problems.add(
                with_node.location, f"{what}.with: give exactly one of {' or '.join(group)} ({say})"
            )
            broken = True
    if broken:
        return INVALID
    for rule in spec.rules:
        for name, message in rule(result):
            location = given.value_location(name) if name else with_node.location
            problems.add(location, f"{what}.with{'.' + name if name else ''}: {message}")
            broken = True
    return INVALID if broken else result


def _unique_guardrail_names(guardrails: list[Any], what: str, problems: Problems) -> None:
    seen: set[str] = set()
    for guardrail in guardrails:
        if guardrail is None:
            continue
        if guardrail.name in seen:
            problems.add(
                guardrail.location, f'{what}: two guardrails are called "{guardrail.name}"'
            )
        seen.add(guardrail.name)
