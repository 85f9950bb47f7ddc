"""Loading a runbook file into a checked `Runbook`, reporting every problem at once.

`load_runbook(path, overrides)` reads the YAML with locations, resolves params (`--set` values
win over defaults), substitutes `${name}`, reads each section, orders the services into waves and
raises `RunbookInvalid` listing every problem as FILE:LINE:COL: message.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.errors import InputError
from tui.runbook.approvals import read_approvals
from tui.runbook.audit_copies import read_audit
from tui.runbook.fields import Fields
from tui.runbook.model import Runbook, Service, Step, Target
from tui.runbook.notify import read_notify
from tui.runbook.ordering import execution_order, waves
from tui.runbook.params import load_params, parse_overrides, substitute
from tui.runbook.problems import Problems, RunbookInvalid, did_you_mean
from tui.runbook.source import Node, parse_text, read_file
from tui.runbook.steps import StepContext, read_step
from tui.runbook.values import INVALID, ValueType

TOP_KEYS = (
    "runbook",
    "title",
    "description",
    "target",
    "window",
    "params",
    "checklist",
    "services",
    "steps",
    "rollback",
    "audit",
    "notify",
    "approvals",
)
SERVICE_KEYS = ("depends_on", "description")
RUNBOOK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACCOUNT = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def _without_cycle_collection(build: Callable[[], Runbook]) -> Runbook:
    """Run `build` with the cyclic garbage collector paused.

    A large runbook makes tens of thousands of small objects, none in reference cycles; the
    collector's repeated passes over them took half the load time (bench/plan_large.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return build()
    finally:
        if was_enabled:
            gc.enable()


def load_runbook(path: str | Path, overrides: Mapping[str, str] | None = None) -> Runbook:
    """Load and check the runbook at `path`; raise `RunbookInvalid` with every problem."""
    problems = Problems()
    return _without_cycle_collection(
        lambda: _build(read_file(path, problems), str(path), overrides or {}, problems)
    )


def load_runbook_with_set(path: str | Path, pairs: list[str]) -> Runbook:
    """`load_runbook` with the command line's `--set NAME=VALUE` pairs applied; `path` may
    also be a runbook's name (`alb-canary`: tui/runbook/shipped.py).

    A malformed pair is a usage problem, not the runbook's (it has no file location): it is an
    `InputError` naming the pair."""
    from tui.runbook.shipped import resolve_runbook

    overrides, bad = parse_overrides(pairs)
    if bad:
        raise InputError("; ".join(bad))
    return load_runbook(resolve_runbook(str(path)), overrides)


def load_text(
    text: str, file: str = "<runbook>", overrides: Mapping[str, str] | None = None
) -> Runbook:
    """Load a runbook from text (`file` names it in messages)."""
    problems = Problems()
    return _without_cycle_collection(
        lambda: _build(parse_text(text, file, problems), file, overrides or {}, problems)
    )


def _build(
    root: Node | None, file: str, overrides: Mapping[str, str], problems: Problems
) -> Runbook:
    if root is None:
        raise RunbookInvalid(problems.sorted())
    if not root.is_mapping:
        problems.add(root.location, "a runbook is a mapping that starts with `runbook: NAME`")
        raise RunbookInvalid(problems.sorted())
    params = load_params(root.value.get("params"), overrides, file, problems)
    values = {name: p.value for name, p in params.items()}
    body = root.with_value(
        {
            k: (v if k == "params" else substitute(v, values, problems))
            for k, v in root.value.items()
        }
    )
    top = Fields(
        body, "runbook", problems, TOP_KEYS, required=("runbook", "title", "target", "steps")
    )
    name = top.get("runbook", ValueType.STRING)
    if isinstance(name, str) and not RUNBOOK_NAME.match(name):
        problems.add(
            top.value_location("runbook"), "runbook: a name is lowercase letters, digits and -"
        )
    target = _target(top, problems)
    window = top.get("window", ValueType.DURATION)
    checklist = _checklist(top)
    services = _services(top, problems)
    context = StepContext(services)
    steps = _steps(top, "steps", problems, context, rollback=False)
    rollback = _steps(top, "rollback", problems, context, rollback=True)
    if "steps" in top and not top.sequence("steps") and top.get_node("steps").is_sequence:
        problems.add(top.value_location("steps"), "steps: list at least one step")
    _check_undoes(steps, rollback, problems)
    audit = read_audit(top, problems)
    notify = read_notify(top, problems)
    approvals = read_approvals(top.get_node("approvals"), "runbook", problems)
    plan = waves(services, problems)
    if problems:
        raise RunbookInvalid(problems.sorted())
    return Runbook(
        file=file,
        name=name,
        title=top.get("title", ValueType.STRING),
        description=top.get("description", ValueType.STRING, ""),
        target=target,
        window=window,
        params=params,
        checklist=tuple(checklist),
        services=services,
        waves=plan,
        steps=tuple(steps),
        order=execution_order(steps, plan),
        rollback=tuple(rollback),
        audit=audit,
        notify=notify,
        approvals=approvals,
    )


def _target(top: Fields, problems: Problems) -> Any:
    node = top.get_node("target")
    if node is None:
        return INVALID
    fields = Fields(node, "target", problems, ("account", "region"), required=("account", "region"))
    account = fields.get("account", ValueType.STRING)
    region = fields.get("region", ValueType.STRING)
    if isinstance(account, str) and not ACCOUNT.match(account):
        problems.add(
            fields.value_location("account"),
            f'target.account: "{account}" is not a 12-digit account id',
        )
    if isinstance(region, str) and not REGION.match(region):
        problems.add(
            fields.value_location("region"),
            f'target.region: "{region}" is not a region like us-east-1',
        )
    return (
        Target(account, region) if isinstance(account, str) and isinstance(region, str) else INVALID
    )


def _checklist(top: Fields) -> list[str]:
    items = []
    for i, node in enumerate(top.sequence("checklist")):
        value = top.get_item(node, ValueType.STRING, f"checklist[{i}]")
        if isinstance(value, str):
            items.append(value)
    return items


def _services(top: Fields, problems: Problems) -> dict[str, Service]:
    services = {}
    section = top.get_node("services")
    for name, node in top.mapping("services").items():
        where = section.key_locations[name]
        spec = node if node.value is not None else Node({}, node.location)
        fields = Fields(spec, f"service {name}", problems, SERVICE_KEYS)
        depends = fields.get("depends_on", ValueType.STRING_LIST, [])
        description = fields.get("description", ValueType.STRING, "")
        if depends is not INVALID and description is not INVALID:
            services[name] = Service(name, tuple(depends), description, where)
    return services


def _steps(
    top: Fields, key: str, problems: Problems, context: StepContext, *, rollback: bool
) -> list[Step]:
    nodes = top.sequence(key)
    read = [
        read_step(n, f"{key}[{i}]", problems, context, rollback=rollback)
        for i, n in enumerate(nodes)
    ]
    return [s for s in read if s is not None]


def _check_undoes(steps: list[Step], rollback: list[Step], problems: Problems) -> None:
    forward = {s.id for s in steps}
    for step in rollback:
        if step.undoes is not None and step.undoes not in forward:
            hint = did_you_mean(step.undoes, forward)
            problems.add(
                step.location,
                f'step {step.id}: undoes "{step.undoes}", which is not a forward step{hint}',
            )
