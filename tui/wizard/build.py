"""Building a runbook's text from the wizard's answers, and checking it with the loader before
anything is written."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.runbook.loader import load_text
from tui.runbook.model import Runbook
from tui.wizard.fields import FIELDS
from tui.wizard.patterns import PATTERNS, SERVICE_KINDS, Pattern, template_text
from tui.wizard.render import ChosenCheck, check_items, fill, param_lines, scalar

# The schema sits in docs/ of a checkout; the runbook's header points there when it can.
SCHEMA_IN_CHECKOUT = Path(__file__).resolve().parents[2] / "docs" / "runbook.schema.json"


@dataclass
class ServiceAnswers:
    """One service of a multi-service runbook: its kind (a key of SERVICE_KINDS), names,
    dependencies and checks."""

    name: str
    kind: str
    values: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    checks: list[ChosenCheck] = field(default_factory=list)


@dataclass
class Answers:
    """Everything the wizard asked: enough to write the runbook again without asking."""

    pattern: str
    name: str
    account: str
    region: str
    values: dict[str, Any] = field(default_factory=dict)
    checks: list[ChosenCheck] = field(default_factory=list)
    services: list[ServiceAnswers] = field(default_factory=list)


def schema_reference(target: Path) -> str:
    """The `$schema=` path for a runbook written at `target`: docs/runbook.schema.json of the
    checkout (relative when the runbook is inside it, else absolute), or `runbook.schema.json`
    beside the runbook when turnout is installed without its docs (`turnout schema` writes it).
    """
    if not SCHEMA_IN_CHECKOUT.exists():
        return "runbook.schema.json"
    checkout = SCHEMA_IN_CHECKOUT.parents[1]
    where = target.resolve().parent
    if where == checkout or checkout in where.parents:
        return os.path.relpath(SCHEMA_IN_CHECKOUT, where)
    return str(SCHEMA_IN_CHECKOUT)


def _lists(checks: Sequence[ChosenCheck], names: Mapping[str, str]) -> dict[str, list[str]]:
    return {
        "guardrails": check_items(checks, "guardrail", names),
        "preconditions": check_items(checks, "precondition", names),
    }


def _param_refs(values: Mapping[str, Any]) -> dict[str, str]:
    """What a check writes for each name: the param (`"${group}"`), so `--set` reaches it."""
    return {
        name: f'"${{{name}}}"' if FIELDS[name].param else scalar(value)
        for name, value in values.items()
        if name in FIELDS
    }


def render(answers: Answers, target: Path) -> str:
    """The runbook text for `answers`, to be written at `target`."""
    pattern: Pattern = PATTERNS[answers.pattern]
    common = {"name": answers.name, "schema": schema_reference(target)}
    params = param_lines(answers.values, answers.account, answers.region)
    if answers.pattern != "multi-service":
        return fill(
            template_text(pattern.template),
            {**answers.values, **common},
            _lists(answers.checks, _param_refs(answers.values)),
            {"params": params},
        )
    services = "".join(
        f"  {s.name}: {{depends_on: [{', '.join(s.depends_on)}]}}\n"
        if s.depends_on
        else f"  {s.name}: {{}}\n"
        for s in answers.services
    )
    steps = "".join(
        fill(
            template_text(SERVICE_KINDS[s.kind].template),
            {**s.values, "service": s.name},
            _lists(s.checks, {k: scalar(v) for k, v in s.values.items()}),
        )
        for s in answers.services
    )
    return fill(
        template_text(pattern.template),
        {**common, "service_count": len(answers.services)},
        blocks={"params": params, "services": services, "steps": steps},
    )


def check(text: str, target: Path) -> Runbook:
    """Load the text as `turnout validate` would; raises RunbookInvalid with every problem."""
    return load_text(text, str(target))
