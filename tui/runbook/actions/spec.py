"""What an action declares: its arguments, its risk, the AWS operations it calls, its undo.

The catalogue is the single source of truth for the loader (checking `with:`), the plan (what a
step will call and how it is undone), the JSON Schema, and the engine (which implements each
action exactly as declared here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.runbook.model import Risk
from tui.runbook.values import Constraints, ValueType

# A cross-argument rule: given the checked arguments (defaults filled in), the problems as
# (argument name or None for the step as a whole, message) pairs.
Rule = Callable[[dict[str, Any]], list[tuple[str | None, str]]]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of an action's `with:`."""

    name: str
    type: ValueType
    doc: str
    required: bool = False
    default: Any = None
    constraints: Constraints = field(default_factory=Constraints)


def arg(
    name: str,
    vtype: ValueType,
    doc: str,
    *,
    required: bool = False,
    default: Any = None,
    choices: tuple[Any, ...] = (),
    pattern: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> ArgSpec:
    """An `ArgSpec`, with its constraints written inline."""
    return ArgSpec(
        name, vtype, doc, required, default, Constraints(choices, pattern, minimum, maximum)
    )


@dataclass(frozen=True)
class ActionSpec:
    """An action a step can name in `action:`.

    `operations` are the AWS API operations the action calls, as `<boto3 client>.<Operation>`
    (e.g. `autoscaling.StartInstanceRefresh`); `undo_operations` those its undo calls. `records`
    says what the action writes to the audit log before it acts so it can be undone after a
    crash. `exactly_one_of` lists argument groups of which exactly one must be given.
    """

    name: str
    summary: str
    risk: Risk
    args: tuple[ArgSpec, ...]
    operations: tuple[str, ...]
    undo: str
    undo_operations: tuple[str, ...] = ()
    records: str = ""
    exactly_one_of: tuple[tuple[str, ...], ...] = ()
    rules: tuple[Rule, ...] = ()

    def arg(self, name: str) -> ArgSpec | None:
        """The argument called `name`, if the action has one."""
        return next((a for a in self.args if a.name == name), None)

    @property
    def has_undo(self) -> bool:
        """True if rolling back calls AWS to put things back."""
        return bool(self.undo_operations)


@dataclass(frozen=True)
class CheckSpec:
    """A kind of precondition or guardrail signal: what it reads and with which operations."""

    kind: str
    summary: str
    operations: tuple[str, ...]
