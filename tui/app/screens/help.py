"""`?`: every key of the screen below, with what it does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

MODAL_KEYS = (
    ("Enter / y", "yes (a typed confirmation: submit what you typed)"),
    ("Escape / n", "no"),
    ("letter in [ ]", "that choice (r is always roll back)"),
    ("v", "hide the question to look at the screen (c brings it back)"),
    ("q", "leave: pause (the question is taken down) or roll back"),
)
"""The keys of a question's modal, listed under the screen's own."""


def keys_table(
    bindings: Iterable[Binding], question_keys: Iterable[tuple[str, str]] = MODAL_KEYS
) -> Table:
    """Key and description, one row per binding, then the question keys."""
    table = Table.grid(padding=(0, 3))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for binding in bindings:
        table.add_row(binding.key_display or binding.key, binding.description)
    table.add_row("", "")
    table.add_row("[b]In a question[/b]", "")
    for key, what in question_keys:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any key closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(
        self, bindings: Iterable[Binding], question_keys: Iterable[tuple[str, str]] = MODAL_KEYS
    ) -> None:
        super().__init__()
        self.bindings = list(bindings)
        self.question_keys = list(question_keys)

    def compose(self) -> ComposeResult:
        """The table of keys."""
        with Vertical(id="help"):
            yield Static("[b]Keys[/b]  (Escape closes)")
            yield Static(keys_table(self.bindings, self.question_keys))
