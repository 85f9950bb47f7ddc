"""The value types of the language (for params and action arguments) and how values are checked.

One set of types serves a runbook's `params:` and every action's arguments, so a `--set` value,
a default and a step's `with:` are checked by the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tui.runbook.durations import Duration, parse_duration
from tui.runbook.numbers import check_digits
from tui.runbook.patterns import matches
from tui.runbook.problems import Problems
from tui.runbook.source import INVALID, Node


class ValueType(StrEnum):
    """A type a param or an action argument can have; its value is the name runbooks write."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DURATION = "duration"
    STRING_LIST = "list[string]"
    INTEGER_LIST = "list[integer]"
    STRING_MAP = "map[string]"
    INTEGER_MAP = "map[integer]"

    @property
    def item(self) -> ValueType | None:
        """The type of each element of a list or map type."""
        return _ITEMS.get(self)

    @property
    def is_list(self) -> bool:
        """True for list[...] types."""
        return self in _LISTS


_ITEMS = {
    ValueType.STRING_LIST: ValueType.STRING,
    ValueType.INTEGER_LIST: ValueType.INTEGER,
    ValueType.STRING_MAP: ValueType.STRING,
    ValueType.INTEGER_MAP: ValueType.INTEGER,
}
_LISTS = frozenset({ValueType.STRING_LIST, ValueType.INTEGER_LIST})


@dataclass(frozen=True)
class Constraints:
    """Limits on a value beyond its type; for lists and maps they apply to each element.

    `minimum`/`maximum` are numbers, or seconds for durations.
    """

    choices: tuple[Any, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None


_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    type(None): "nothing",
    list: "a list",
    dict: "a mapping",
}


def describe(value: Any) -> str:
    """How a value reads in a message: its text and what kind of thing it is."""
    if isinstance(value, dict | list):
        return _NAMES[type(value)]
    kind = _NAMES.get(type(value), type(value).__name__)
    return f"{value!r} ({kind})" if value is not None else "nothing"


def _via(node: Node) -> str:
    return f" (from ${{{node.via}}})" if node.via else ""


def check_node(node: Node, vtype: ValueType, label: str, problems: Problems) -> Any:
    """The value of `node` as `vtype`, or INVALID after recording a problem at the node."""
    if node.value is INVALID:
        return INVALID  # a `${param}` whose own value was already reported
    item = vtype.item
    if item is not None and vtype.is_list:
        if not node.is_sequence:
            problems.add(
                node.location, f"{label}: expected a list, got {describe(node.value)}{_via(node)}"
            )
            return INVALID
        values = [check_node(n, item, f"{label}[{i}]", problems) for i, n in enumerate(node.value)]
        return INVALID if any(v is INVALID for v in values) else values
    if item is not None:
        if not node.is_mapping:
            problems.add(
                node.location,
                f"{label}: expected a mapping, got {describe(node.value)}{_via(node)}",
            )
            return INVALID
        values = {k: check_node(n, item, f"{label}.{k}", problems) for k, n in node.value.items()}
        return INVALID if any(v is INVALID for v in values.values()) else values
    try:
        return convert(node.value, vtype)
    except ValueError as exc:
        problems.add(node.location, f"{label}: {exc}{_via(node)}")
        return INVALID


def _duration(value: Any) -> Any:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"{value} has no unit: write {value}s (or 5m, 2h)")
    raise ValueError(f"expected a duration like 30s, 5m or 2h, got {describe(value)}")


def _string(value: Any) -> Any:
    if type(value) is str:
        return value
    hint = f'; quote it: "{value}"' if isinstance(value, int | float | bool) else ""
    raise ValueError(f"expected a string, got {describe(value)}{hint}")


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {describe(value)}")


def _integer(value: Any) -> Any:
    if type(value) is int:  # not bool, not a Duration
        return value
    raise ValueError(f"expected an integer, got {describe(value)}")


def _number(value: Any) -> Any:
    if type(value) in (int, float):
        return value
    raise ValueError(f"expected a number, got {describe(value)}")


_CONVERT = {
    ValueType.DURATION: _duration,
    ValueType.STRING: _string,
    ValueType.BOOLEAN: _boolean,
    ValueType.INTEGER: _integer,
    ValueType.NUMBER: _number,
}


def convert(value: Any, vtype: ValueType) -> Any:
    """Check a scalar against a scalar type; raise ValueError with the reason."""
    check = _CONVERT.get(vtype)
    if check is None:
        raise ValueError(f"expected {vtype}, got {describe(value)}")
    return check(value)


def check_constraints(value: Any, rules: Constraints, label: str) -> list[str]:
    """Messages for each way `value` (already of the right type) breaks `rules`."""
    if isinstance(value, list):
        return [
            m for i, v in enumerate(value) for m in check_constraints(v, rules, f"{label}[{i}]")
        ]
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in check_constraints(v, rules, f"{label}.{k}")]
    found = []
    if rules.choices and value not in rules.choices:
        allowed = ", ".join(str(c) for c in rules.choices)
        found.append(f"{label}: {value!r} is not one of {allowed}")
    if rules.pattern and isinstance(value, str) and not matches(rules.pattern, value):
        found.append(f"{label}: {value!r} does not match the pattern {rules.pattern}")
    shown = str(value)
    if rules.minimum is not None and value < rules.minimum:
        found.append(f"{label}: {shown} is below the minimum {_limit(rules.minimum, value)}")
    if rules.maximum is not None and value > rules.maximum:
        found.append(f"{label}: {shown} is above the maximum {_limit(rules.maximum, value)}")
    return found


def _limit(limit: float, value: Any) -> str:
    if isinstance(value, Duration):
        return str(Duration(int(limit)))
    return str(int(limit)) if float(limit).is_integer() else str(limit)


def parse_text(text: str, vtype: ValueType) -> Any:
    """A `--set name=TEXT` value read as `vtype`; raise ValueError with the reason.

    Lists are comma-separated (`5,25,50`); maps are `key:value` pairs (`blue:90,green:10`).
    """
    item = vtype.item
    if item is not None and vtype.is_list:
        return [parse_text(part.strip(), item) for part in text.split(",") if part.strip()]
    if item is not None:
        pairs = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition(":")
            if not sep:
                raise ValueError(f'"{part}" is not key:value')
            pairs[key.strip()] = parse_text(value.strip(), item)
        return pairs
    if vtype is ValueType.INTEGER:
        check_digits(text)
        try:
            return int(text)
        except ValueError:
            raise ValueError(f'expected an integer, got "{text}"') from None
    if vtype is ValueType.NUMBER:
        check_digits(text)
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            raise ValueError(f'expected a number, got "{text}"') from None
    if vtype is ValueType.BOOLEAN:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise ValueError(f'expected true or false, got "{text}"')
    if vtype is ValueType.DURATION:
        return parse_duration(text)
    return text


def type_of(value: Any) -> ValueType | None:
    """The type a param has when it only gives a default; None when no type fits."""
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, float):
        return ValueType.NUMBER
    if isinstance(value, str):
        return ValueType.STRING
    if isinstance(value, list):
        if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return ValueType.INTEGER_LIST
        return ValueType.STRING_LIST
    if isinstance(value, dict):
        if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            return ValueType.INTEGER_MAP
        return ValueType.STRING_MAP
    return None
