"""Reading a runbook's YAML into located nodes: every value knows the FILE:LINE:COL it came from.

PyYAML's `safe_load` forgets where values were and silently keeps the last of two duplicate
keys. We compose the document with `SafeLoader` (the same safe subset: no tags that build
objects) and walk its nodes ourselves, so each value keeps its mark and duplicates are errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tui.errors import Location
from tui.runbook.bounded_read import FileRefused, read_bounded_text
from tui.runbook.numbers import digits_problem
from tui.runbook.problems import Problems

# libyaml parses several times faster than the pure-Python parser (bench/plan_large.py); both
# compose the same nodes with the same marks, so fall back silently when it is not built in.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """The safe loader, remembering how each plain scalar resolved (runbooks repeat a lot)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._resolved: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


# Aliases let a tiny file expand into a huge tree ("billion laughs"); no real runbook comes near.
MAX_NODES = 200_000
# Lists and mappings inside each other: a shipped runbook goes 10 deep. The walk below and every
# later pass over the tree recurse once or twice a level, so `[[[[...]]]]` a thousand deep would
# end in RecursionError; bound it well inside Python's recursion limit.
MAX_DEPTH = 64

_CORE_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_NOT_A_NAME = "a key must be a plain name, not a list or a mapping"
_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}


class Invalid:
    """The marker for a value whose problem is already recorded: later checks stay quiet."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = Invalid()


class Node:
    """A YAML value with its place in the file.

    `value` is a scalar (str, int, float, bool, None), a `dict[str, Node]` for a mapping or a
    `list[Node]` for a sequence. `key_locations` holds where each mapping key is written, for
    problems about the key itself. `via` names the param a `${...}` substitution came from.
    `inline` says the scalar's text sits on one line exactly as written, so a column inside the
    text can be pointed at. Treat a node as immutable.

    Locations may be given as `(file, line, column)` tuples and become `Location`s only when
    asked for: a large runbook has tens of thousands of nodes and few are ever reported
    (bench/plan_large.py).
    """

    __slots__ = ("_keys", "_where", "inline", "quoted", "refs", "value", "via")

    def __init__(
        self,
        value: Any,
        location: Location | tuple[str, int, int],
        key_locations: dict[str, Any] | None = None,
        inline: bool = False,
        quoted: bool = False,
        via: str | None = None,
    ) -> None:
        self.value = value
        self._where = location
        self._keys = key_locations if key_locations is not None else {}
        self.inline = inline
        self.quoted = quoted
        self.via = via
        # False only when the reader saw that no `${` occurs anywhere in this subtree, so
        # substitution can skip it.
        self.refs = True

    def __repr__(self) -> str:
        return f"Node({self.value!r}, {self.location})"

    def with_value(self, value: Any) -> Node:
        """The same place in the file holding another value (a substitution's result)."""
        return Node(value, self._where, self._keys, self.inline, self.quoted, self.via)

    @property
    def location(self) -> Location:
        """Where the value starts."""
        where = self._where
        if type(where) is tuple:
            where = self._where = Location(*where)
        return where

    @property
    def key_locations(self) -> dict[str, Location]:
        """Where each key of a mapping is written."""
        keys = self._keys
        # All of a mapping's keys are converted at once, so the first tells for all.
        if keys and type(next(iter(keys.values()))) is tuple:
            keys = self._keys = {
                k: Location(*v) if type(v) is tuple else v for k, v in keys.items()
            }
        return keys

    @property
    def is_mapping(self) -> bool:
        """True for a YAML mapping."""
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        """True for a YAML sequence."""
        return isinstance(self.value, list)

    def at(self, offset: int) -> Location:
        """The location of character `offset` of this scalar's text, where that can be known."""
        if not self.inline:
            return self.location
        shift = offset + (1 if self.quoted else 0)
        loc = self.location
        return Location(loc.file, loc.line, loc.column + shift)

    def plain(self) -> Any:
        """The value with every node unwrapped: plain dicts, lists and scalars."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def _location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


def _where(file: str, mark: yaml.Mark) -> tuple[str, int, int]:
    return (file, mark.line + 1, mark.column + 1)


class _Walker:
    """Turns composed YAML nodes into `Node`s, reporting duplicates and unsupported tags."""

    def __init__(self, file: str, loader: Any, problems: Problems) -> None:
        self.file = file
        self.loader = loader
        self.problems = problems
        self.count = 0
        self.active: set[int] = set()
        self.depth = 0

    def walk(self, ynode: yaml.Node) -> Node:
        loc = _where(self.file, ynode.start_mark)
        self.count += 1
        if self.count > MAX_NODES:
            # Counted after aliases are expanded, so a small file can get here by aliasing.
            raise _TooBig(
                Location(*loc),
                f"the document holds more than {MAX_NODES} values once its aliases are "
                "expanded: no runbook needs so many",
            )
        if isinstance(ynode, yaml.ScalarNode):
            return self._scalar(ynode, loc)  # a scalar cannot contain an alias loop
        if id(ynode) in self.active:
            self.problems.add(
                Location(*loc), "an alias refers to the node that contains it; remove the loop"
            )
            return Node(INVALID, loc)
        if self.depth >= MAX_DEPTH:
            raise _TooBig(
                Location(*loc),
                f"lists and mappings nest more than {MAX_DEPTH} deep here: no runbook needs "
                "so deep a tree",
            )
        self.active.add(id(ynode))
        self.depth += 1
        try:
            if ynode.tag not in _COLLECTION_TAGS:
                self.problems.add(
                    Location(*loc), f"unsupported YAML tag {ynode.tag}: runbooks use plain values"
                )
                return Node(INVALID, loc)
            if isinstance(ynode, yaml.MappingNode):
                return self._mapping(ynode, loc)
            items = [self.walk(item) for item in ynode.value]
            return _flagged(Node(items, loc), any(item.refs for item in items))
        finally:
            self.depth -= 1
            self.active.discard(id(ynode))

    def _scalar(self, ynode: yaml.ScalarNode, loc: tuple[str, int, int]) -> Node:
        start, end = ynode.start_mark, ynode.end_mark
        quoted = ynode.style in ("'", '"')
        width = end.column - start.column - (2 if quoted else 0)
        inline = (
            start.line == end.line
            and ynode.style in (None, "", "'", '"')
            and width == len(ynode.value)
        )
        tag = ynode.tag
        if tag == _STR:
            value = ynode.value
        elif tag == _INT and (too_long := digits_problem(ynode.value)) is not None:
            self.problems.add(Location(*loc), too_long)
            value = INVALID
        elif tag in _CORE_TAGS:
            # The safe constructor's own function for the tag, without construct_object's
            # bookkeeping for anchors and recursion (scalars have neither).
            value = self.loader.yaml_constructors[tag](self.loader, ynode)
        elif tag in _TEXT_TAGS:
            value = ynode.value  # a date stays the text written, not a datetime
        else:
            self.problems.add(
                Location(*loc), f"unsupported YAML tag {ynode.tag}: runbooks use plain values"
            )
            value = ynode.value
        refs = type(value) is str and "${" in value
        return _flagged(Node(value, loc, inline=inline, quoted=quoted), refs)

    def _mapping(self, ynode: yaml.MappingNode, loc: tuple[str, int, int]) -> Node:
        pairs = ynode.value
        if any(key.tag == _MERGE for key, _ in pairs):
            self._check_keys(pairs)
            # `<<: *anchor` merge keys: explicit keys win over merged ones, as in YAML.
            self.loader.flatten_mapping(ynode)
            pairs, check = ynode.value, False
        else:
            check = True
        values: dict[str, Node] = {}
        key_locations: dict[str, Any] = {}
        for key_node, value_node in pairs:
            key_loc = _where(self.file, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                if check:
                    self.problems.add(Location(*key_loc), _NOT_A_NAME)
                continue
            key = str(key_node.value)
            if check and key in key_locations:
                self._duplicate(key, key_locations[key], key_loc)
            values[key] = self.walk(value_node)
            key_locations[key] = key_loc
        return _flagged(Node(values, loc, key_locations), any(v.refs for v in values.values()))

    def _check_keys(self, pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
        seen: dict[str, tuple[str, int, int]] = {}
        for key_node, _ in pairs:
            if key_node.tag == _MERGE:
                continue
            key_loc = _where(self.file, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(Location(*key_loc), _NOT_A_NAME)
            elif key_node.value in seen:
                self._duplicate(key_node.value, seen[key_node.value], key_loc)
            else:
                seen[key_node.value] = key_loc

    def _duplicate(
        self, key: str, first: tuple[str, int, int], again: tuple[str, int, int]
    ) -> None:
        self.problems.add(
            Location(*again),
            f'duplicate key "{key}" (first at line {first[1]}); '
            "YAML would silently keep only the last: remove one",
        )


def _flagged(node: Node, refs: bool) -> Node:
    node.refs = refs
    return node


class _TooBig(Exception):
    def __init__(self, location: Location, what: str) -> None:
        self.location = location
        self.what = what


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """True if the character at `mark` is a tab (libyaml's message does not say so)."""
    if mark is None:
        return False
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1] == "\t"


def parse_text(text: str, file: str, problems: Problems) -> Node | None:
    """Parse one YAML document into a located `Node`; None (with a problem) if it cannot be read."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            problems.add(
                Location(file, 1, 1), "the file is empty: a runbook starts with `runbook: NAME`"
            )
            return None
        return _Walker(file, loader, problems).walk(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "malformed YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        hint = "; indent with spaces: YAML does not allow tabs" if _tab_at(text, mark) else ""
        problems.add(_location(file, mark), f"malformed YAML: {what}{context}{hint}")
    except yaml.YAMLError as exc:
        problems.add(Location(file, 1, 1), f"malformed YAML: {exc}")
    except _TooBig as exc:
        problems.add(exc.location, exc.what)
    finally:
        loader.dispose()
    return None


def read_file(path: str | Path, problems: Problems) -> Node | None:
    """Read and parse a runbook file; a missing or unreadable file is a problem at its line 1."""
    file = str(path)
    try:
        text = read_bounded_text(path)
    except FileRefused as exc:
        problems.add(Location(file, 1, 1), exc.message)
        return None
    except FileNotFoundError:
        problems.add(Location(file, 1, 1), "no such file: check the path")
        return None
    except UnicodeDecodeError as exc:
        problems.add(Location(file, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except OSError as exc:
        problems.add(Location(file, 1, 1), f"cannot read the file: {exc.strerror}")
        return None
    return parse_text(text, file, problems)
