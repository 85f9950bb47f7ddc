"""Filling a pattern's template: `{{name}}` placeholders, the params block, and the chosen
checks inserted under a step's `guardrails:` / `preconditions:`. Text in, text out: the
comments of the template survive, which a YAML round trip would drop.

Slots in a template:
- `{{name}}`: a value, written as a YAML scalar (quoted only when it must be); `{{~name}}` the
  value as it is, inside text (a title, a comment, a description);
- a line `{{params}}` / `{{services}}` / `{{steps}}`: a generated block;
- a line `{{guardrails}}` or `{{preconditions}}`: `guardrails:` and the chosen items at that
  indentation, or nothing when none was chosen; `{{+preconditions}}` only the items (it
  continues a list the template starts); `{{guardrails &x}}` anchors the list as `x`,
  `{{guardrails *x}}` repeats it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui.wizard.fields import FIELDS
from tui.wizard.patterns import checks

PLACEHOLDER = re.compile(r"\{\{(~?)(\w+)\}\}")
LIST_SLOT = re.compile(
    r"^(?P<indent>[ ]*)\{\{(?P<plus>\+?)(?P<kind>guardrails|preconditions)"
    r"(?:[ ](?P<anchor>[&*][A-Za-z_][\w-]*))?\}\}[ ]*\n",
    re.MULTILINE,
)
BLOCK_SLOT = re.compile(r"^\{\{(?P<name>params|services|steps)\}\}\n", re.MULTILINE)
PLAIN = re.compile(r"^[A-Za-z$][A-Za-z0-9._/$-]*$")
YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    """`value` as a YAML scalar: plain when that reads back as the same string, else quoted."""
    if isinstance(value, bool) or not isinstance(value, str):
        return json.dumps(value)
    if PLAIN.match(value) and value.lower() not in YAML_WORDS:
        return value
    return json.dumps(value)


@dataclass(frozen=True)
class ChosenCheck:
    """A check of checks.yaml the person ticked, with its threshold."""

    key: str
    threshold: float | int


def check_items(chosen: Sequence[ChosenCheck], kind: str, names: Mapping[str, str]) -> list[str]:
    """The YAML items (text, indented from column 0) of the chosen checks of `kind`.
    `names` maps a needed name to what is written for it (`"${group}"` or a literal)."""
    items = []
    for check in chosen:
        spec = checks()[check.key]
        if spec["kind"] != kind:
            continue
        context = {**names, "threshold": json.dumps(check.threshold)}
        items.append(PLACEHOLDER.sub(lambda m, c=context: c[m.group(2)], spec["yaml"]))
    return items


def _indent(text: str, by: int) -> str:
    pad = " " * by
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _fill_list_slot(match: re.Match[str], blocks: Mapping[str, list[str]]) -> str:
    indent = len(match["indent"])
    items = blocks.get(match["kind"], [])
    if not items:
        return ""
    if match["plus"]:
        return "".join(_indent(item, indent) for item in items)
    anchor = match["anchor"]
    if anchor and anchor.startswith("*"):
        return f"{' ' * indent}{match['kind']}: {anchor}\n"
    head = f"{' ' * indent}{match['kind']}:{' ' + anchor if anchor else ''}\n"
    return head + "".join(_indent(item, indent + 2) for item in items)


def fill(
    template: str,
    values: Mapping[str, Any],
    lists: Mapping[str, list[str]] | None = None,
    blocks: Mapping[str, str] | None = None,
) -> str:
    """The template with every slot filled; an unknown `{{name}}` raises KeyError (a bug in a
    template, caught by the tests that render every pattern)."""
    text = BLOCK_SLOT.sub(lambda m: (blocks or {})[m["name"]], template)
    text = LIST_SLOT.sub(lambda m: _fill_list_slot(m, lists or {}), text)
    return PLACEHOLDER.sub(lambda m: str(values[m[2]]) if m[1] else scalar(values[m[2]]), text)


def param_lines(values: Mapping[str, Any], account: str, region: str) -> str:
    """The params block: account and region, then each asked name that is a param."""
    lines = [
        f'  account: {{default: {json.dumps(account)}, pattern: "^[0-9]{{12}}$", '
        "description: The AWS account the run may change.}",
        f"  region: {{default: {scalar(region)}, description: The region the run may change.}}",
    ]
    for name, value in values.items():
        field = FIELDS.get(name)
        if field is None or not field.param:
            continue
        parts = [f"type: {json.dumps(field.type)}"] if field.type != "string" else []
        parts.append(f"default: {json.dumps(value)}")
        if field.pattern:
            parts.append(f"pattern: {json.dumps(field.pattern)}")
        parts.append(f"description: {json.dumps(field.description)}")
        lines.append(f"  {name}: {{{', '.join(parts)}}}")
    return "\n".join(lines) + "\n"


def typed(name: str, text: str) -> Any:
    """A name's answer as its param type: `4` → 4, `5,25,100` → [5, 25, 100]."""
    kind = FIELDS[name].type if name in FIELDS else "string"
    if kind == "integer":
        return int(text)
    if kind == "list[integer]":
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    return text
