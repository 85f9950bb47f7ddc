"""Params: declarations, `--set name=value` overrides, and plain `${name}` substitution.

Substitution is text replacement, never evaluation. A value that is exactly `${name}` takes the
param's typed value (a list stays a list, a number a number); `${name}` inside longer text is
replaced by the value's text; `$${` writes a literal `${`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tui.errors import Location
from tui.runbook.fields import Fields
from tui.runbook.model import Param
from tui.runbook.patterns import PatternError, compile_pattern
from tui.runbook.problems import Problems, did_you_mean, one_of
from tui.runbook.secrets import MASK, MIN_SECRET_LENGTH, SECRETS, is_secret_key, secret_text
from tui.runbook.source import Node
from tui.runbook.values import (
    INVALID,
    Constraints,
    ValueType,
    check_constraints,
    check_node,
    parse_text,
    type_of,
)

PARAM_KEYS = ("type", "default", "required", "pattern", "choices", "description", "secret")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")


def parse_overrides(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """`--set k=v` strings as a dict, and messages for any that are not `k=v`."""
    values, bad = {}, []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            bad.append(f'--set "{pair}": write it as name=value')
        else:
            values[key.strip()] = value
    return values, bad


def load_params(
    section: Node | None, overrides: Mapping[str, str], file: str, problems: Problems
) -> dict[str, Param]:
    """Each declared param with its value for this run (INVALID where a problem was recorded)."""
    declared = section.value if section is not None and section.is_mapping else {}
    if section is not None and not section.is_mapping and section.value is not None:
        problems.add(section.location, "params: expected a mapping of name: {type, default, ...}")
    params = {}
    for name, decl in declared.items():
        params[name] = _load_one(name, decl, section, overrides.get(name), problems)
    anchor = section.location if section is not None else Location(file, 1, 1)
    for name in overrides:
        if name not in declared:
            hint = did_you_mean(name, declared) or (
                f"; declared: {', '.join(declared)}" if declared else "; the runbook declares none"
            )
            problems.add(anchor, f"--set {name}: the runbook has no param called {name}{hint}")
    return params


def _load_one(
    name: str, decl: Node, section: Node, override: str | None, problems: Problems
) -> Param:
    key_loc = section.key_locations[name]
    if not NAME.match(name):
        problems.add(
            key_loc,
            f'param name "{name}" must be letters, digits and _ (it is used as ${{{name}}})',
        )
    if decl.value is None:
        decl = Node({}, decl.location)
    fields = Fields(decl, f"params.{name}", problems, PARAM_KEYS)
    default_node = fields.get_node("default")
    vtype = _param_type(fields, default_node)
    pattern = fields.get("pattern", ValueType.STRING)
    if isinstance(pattern, str):
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            problems.add(
                fields.value_location("pattern"),
                f"params.{name}.pattern: {exc}",
            )
            pattern = None
    choices = _choices(fields, vtype, name, problems)
    rules = Constraints(
        choices=tuple(choices), pattern=pattern if isinstance(pattern, str) else None
    )
    required = fields.get("required", ValueType.BOOLEAN, False)
    secret = _is_secret(name, fields.get("secret", ValueType.BOOLEAN), vtype)
    if secret:
        # Known before any message is written, so no message (nor the log) can show it. One
        # too short to mask is refused below instead.
        raw = [override] if override is not None else []
        raw += secret_text(default_node.plain() if default_node else None)
        SECRETS.add(t for t in raw if len(t) >= MIN_SECRET_LENGTH)
    default = INVALID if vtype is INVALID else None
    if default_node is not None and vtype is not INVALID:
        default = check_node(default_node, vtype, f"params.{name}.default", problems)
        _report(
            problems,
            default_node.location,
            check_constraints(default, rules, f"params.{name}.default"),
            default,
        )
    if required is True and default_node is not None:
        problems.add(
            fields.key_location("required"),
            f"params.{name}: a required param takes no default; remove one of them",
        )
    value, source = default, "default"
    if override is not None and vtype is not INVALID:
        source = "set"
        try:
            value = parse_text(override, vtype)
        except ValueError as exc:
            problems.add(key_loc, f"--set {name}={_shown(override, secret)}: {exc}")
            value = INVALID
        else:
            broken = check_constraints(value, rules, f"--set {name}={_shown(override, secret)}")
            _report(problems, key_loc, broken, value)
            value = INVALID if broken else value
    elif value is None and vtype is not INVALID:
        problems.add(
            key_loc, f'param "{name}" is required and has no value: pass --set {name}=VALUE'
        )
        value = INVALID
    if secret and value is not INVALID:
        _check_secret_length(name, value, key_loc, problems)
    return Param(
        name=name,
        type=vtype if vtype is not INVALID else ValueType.STRING,
        value=value,
        source=source,
        required=bool(required is True or default_node is None),
        description=fields.get("description", ValueType.STRING, "") or "",
        location=key_loc,
        secret=secret,
    )


def _is_secret(name: str, declared: Any, vtype: Any) -> bool:
    """`secret: true|false` as written; otherwise a string param whose name looks secret (a
    number called `max_tokens` is not)."""
    if isinstance(declared, bool):
        return declared
    return vtype is ValueType.STRING and is_secret_key(name)


def _check_secret_length(name: str, value: Any, location: Location, problems: Problems) -> None:
    short = [t for t in secret_text(value) if 0 < len(t) < MIN_SECRET_LENGTH]
    if short:
        problems.add(
            location,
            f"params.{name}: a secret must be at least {MIN_SECRET_LENGTH} characters (it is "
            "masked wherever it appears, and a shorter one would be masked inside ordinary "
            f"words); give a longer value, or write `secret: false` if {name} is not a secret",
        )


def _shown(text: str, secret: bool = False) -> str:
    """A `--set` value as messages echo it: a value of thousands of characters is cut short,
    a secret is never shown."""
    if secret:
        return MASK
    return text if len(text) <= 60 else f"{text[:57]}…"


def _report(problems: Problems, location: Location, messages: list[str], value: Any) -> None:
    if value is INVALID:
        return
    for message in messages:
        problems.add(location, message)


def _param_type(fields: Fields, default_node: Node | None) -> Any:
    written = fields.choice("type", [t.value for t in ValueType])
    if written is INVALID:
        return INVALID
    if written is not None:
        return ValueType(written)
    if default_node is None:
        return ValueType.STRING
    if default_node.value is INVALID:
        return INVALID  # already reported where it is written (a number too long to read)
    inferred = type_of(default_node.plain())
    if inferred is None:
        fields.problems.add(
            default_node.location, f"{fields.what}.default: say its type with `type:`"
        )
        return INVALID
    return inferred


def _choices(fields: Fields, vtype: Any, name: str, problems: Problems) -> list[Any]:
    nodes = fields.sequence("choices")
    if vtype is INVALID or vtype.item is not None:
        return []
    values = [
        check_node(n, vtype, f"params.{name}.choices[{i}]", problems) for i, n in enumerate(nodes)
    ]
    return [v for v in values if v is not INVALID]


def substitute(node: Node, values: Mapping[str, Any], problems: Problems) -> Node:
    """`node` with every `${name}` replaced by the param's value; unknown names are problems."""
    # Subtrees without a `${` are returned as they are, not copied: large runbooks are mostly such.
    if not node.refs:
        return node
    if node.is_mapping:
        items = {k: substitute(v, values, problems) for k, v in node.value.items()}
        changed = any(items[k] is not v for k, v in node.value.items())
        return node.with_value(items) if changed else node
    if node.is_sequence:
        seq = [substitute(v, values, problems) for v in node.value]
        changed = any(a is not b for a, b in zip(seq, node.value, strict=True))
        return node.with_value(seq) if changed else node
    if not isinstance(node.value, str) or "${" not in node.value:
        return node
    text = node.value
    whole = _REFERENCE.fullmatch(text)
    if whole and whole.group(1) is not None and whole.group(1) in values:
        return to_node(values[whole.group(1)], node.at(0), whole.group(1))
    pieces, last, ok = [], 0, True
    for match in _REFERENCE.finditer(text):
        pieces.append(text[last : match.start()])
        last = match.end()
        name = match.group(1)
        if match.group(0) == "$${":
            pieces.append("${")
        elif name is None:
            problems.add(
                node.at(match.start()), "`${` is never closed with `}`; write $${ for a literal ${"
            )
            ok = False
        elif name not in values:
            hint = did_you_mean(name, values) or (
                f"; declared params: {one_of(sorted(values))}"
                if values
                else "; declare it under params:"
            )
            problems.add(node.at(match.start()), f"unknown param ${{{name}}}{hint}")
            ok = False
        elif values[name] is INVALID:
            ok = False
        else:
            pieces.append(_text(values[name]))
    pieces.append(text[last:])
    if not ok:
        return Node(INVALID, node.location, via="?")
    return node.with_value("".join(pieces))


def to_node(value: Any, location: Location, via: str) -> Node:
    """A typed param value as a located node tree, every part pointing at the `${...}`."""
    if isinstance(value, dict):
        return Node(
            {k: to_node(v, location, via) for k, v in value.items()},
            location,
            dict.fromkeys(value, location),
            via=via,
        )
    if isinstance(value, list):
        return Node([to_node(v, location, via) for v in value], location, via=via)
    return Node(value, location, via=via)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{_text(v)}" for k, v in value.items())
    return str(value)
