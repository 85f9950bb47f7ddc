"""The session screen's footer: Textual's `Footer`, with its keys in the screen's first frame."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.textual_compat import FooterKey, mark_footer_ready


class KeysFooter(Footer):
    """Textual's footer, drawn at once and redrawn only when the keys it shows change.

    Textual's `Footer` composes no keys until the screen first says its bindings changed, and
    then only after the next refresh: the keys came two or three frames after the rest of the
    session screen (the slowest part of its first paint), and every focus change rebuilt all
    seven keys even when none of them changed. The session screen's keys are its own and the
    app's, known when it composes, so this footer composes them straight away.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        mark_footer_ready(self)
        self._drawn: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What the footer's compose depends on, to tell whether a change shows."""
        return tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.key_display,
                binding.group,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        """The keys, as Textual's footer draws them, each born in the footer's style.

        A `FooterKey` starts compact and only then takes the footer's (not compact) style
        from its binding: two restylings of each key, some 6 ms of the first paint. Given the
        footer's value before it mounts, a key keeps it and is styled once."""
        self._drawn = self._keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Recompose only when a key shown (or its state) changed."""
        if self.is_attached and screen is self.screen and self._keys() == self._drawn:
            return
        super().bindings_changed(screen)
