"""Reading one YAML mapping of the runbook: known keys, required keys, typed values, hints.

Every section of the loader reads its mapping through a `Fields`, so an unknown key always gets a
"did you mean" and a missing key always points at the mapping that lacks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.errors import Location
from tui.runbook.problems import Problems, did_you_mean, one_of
from tui.runbook.source import INVALID, Node
from tui.runbook.values import ValueType, check_node, describe


class Fields:
    """The keys of one mapping node, checked against what `what` allows.

    If the node is not a mapping a problem is recorded and every lookup finds nothing, so callers
    need no special case.
    """

    def __init__(
        self,
        node: Node,
        what: str,
        problems: Problems,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> None:
        self.node = node
        self.what = what
        self.problems = problems
        self.allowed = tuple(allowed)
        self.ok = node.is_mapping
        self.items: dict[str, Node] = node.value if node.is_mapping else {}
        if node.value is INVALID:
            return
        if not self.ok:
            problems.add(node.location, f"{what}: expected a mapping, got {describe(node.value)}")
            return
        where, level = (f"{what}: ", "") if what != "runbook" else ("", "top-level ")
        for key in self.items:
            if key not in self.allowed:
                hint = did_you_mean(key, self.allowed) or f"; allowed: {', '.join(self.allowed)}"
                problems.add(self.key_location(key), f'{where}unknown {level}key "{key}"{hint}')
        for key in required:
            if key not in self.items:
                problems.add(node.location, f'{where}missing required {level}key "{key}"')

    def label(self, key: str) -> str:
        """How `key` of this mapping is named in messages (top-level keys by their name alone)."""
        return f"{self.what}.{key}" if self.what != "runbook" else key

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def get_node(self, key: str) -> Node | None:
        """The node under `key`, if written."""
        return self.items.get(key)

    def key_location(self, key: str) -> Location:
        """Where `key` is written, or the mapping itself if it is not."""
        return self.node.key_locations.get(key, self.node.location)

    def value_location(self, key: str) -> Location:
        """Where the value of `key` is written, or the mapping itself if it is not."""
        found = self.items.get(key)
        return found.location if found is not None else self.node.location

    def get(self, key: str, vtype: ValueType, default: Any = None) -> Any:
        """The value under `key` checked as `vtype`; `default` if absent; INVALID if wrong."""
        found = self.items.get(key)
        if found is None:
            return default
        return check_node(found, vtype, self.label(key), self.problems)

    def choice(self, key: str, choices: Iterable[str], default: str | None = None) -> Any:
        """A string under `key` that must be one of `choices` (with a hint if misspelt)."""
        choices = tuple(choices)
        value = self.get(key, ValueType.STRING, default)
        if value is INVALID or value is None or value in choices:
            return value
        hint = did_you_mean(value, choices) or f"; use {one_of(choices)}"
        self.problems.add(
            self.value_location(key), f'{self.label(key)}: "{value}" is not allowed{hint}'
        )
        return INVALID

    def mapping(self, key: str) -> dict[str, Node]:
        """The entries of a mapping under `key` (empty if absent or not a mapping)."""
        found = self.items.get(key)
        if found is None:
            return {}
        if not found.is_mapping:
            self.problems.add(
                found.location,
                f"{self.label(key)}: expected a mapping, got {describe(found.value)}",
            )
            return {}
        return found.value

    def sequence(self, key: str) -> list[Node]:
        """The items of a list under `key` (empty if absent or not a list)."""
        found = self.items.get(key)
        if found is None:
            return []
        if not found.is_sequence:
            self.problems.add(
                found.location, f"{self.label(key)}: expected a list, got {describe(found.value)}"
            )
            return []
        return found.value

    def get_item(self, node: Node, vtype: ValueType, label: str) -> Any:
        """A list element checked as `vtype` (INVALID if wrong)."""
        return check_node(node, vtype, label, self.problems)
