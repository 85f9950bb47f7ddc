"""Every place the app leans on what Textual does not promise: its private names, and the one
trick with the garbage collector around `App.run`. Nothing else in tui/app imports a `textual._`
module or touches an `_`-prefixed Textual attribute; tests/app/test_textual_compat.py checks that
what is relied on here is still there, and names what changed when a Textual upgrade moves it.

Each of these buys first-paint or redraw time measured with bench/ui.py (docs/app.md: Speed and
memory). textual is pinned in pyproject.toml; on an upgrade, run that test first.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TypeVar

from textual.app import RenderResult
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = [
    "VISUAL_CACHE_KEY",
    "FooterKey",
    "RenderHook",
    "collect_again",
    "forget_drawing",
    "mark_footer_ready",
    "resume_only_on_a_live_terminal",
    "run_collector_frozen",
]

T = TypeVar("T")

# -- the footer --------------------------------------------------------------------------------


def mark_footer_ready(footer: Footer) -> None:
    """Let `footer` compose its keys at once. Textual 8's `Footer.compose` yields nothing until
    its private `_bindings_ready` is true, which `bindings_changed` sets a refresh later."""
    footer.set_reactive(Footer._bindings_ready, True)


# FooterKey (one key of the footer) is private to textual.widgets._footer: re-exported above so
# that the footer can style its keys as they are born.

# -- a widget's drawing ------------------------------------------------------------------------

VISUAL_CACHE_KEY = "_render.visual"
"""Where Textual 8's `Widget._render` keeps a widget's drawing (in its `_layout_cache`) until the
next layout."""


def forget_drawing(widget: Widget) -> None:
    """Drop the drawing Textual keeps for `widget` until the next layout."""
    widget._layout_cache.pop(VISUAL_CACHE_KEY, None)


class RenderHook(Widget):
    """A widget that may wrap what its `render` returns before Textual draws it.

    Textual's private `Widget._render` turns `render()` into a `Visual` and keeps it for the
    layout; this is the same, with `prepare_render` between the two."""

    def prepare_render(self, renderable: RenderResult) -> RenderResult:
        """What to draw for `renderable` (what `render` returned); by default itself."""
        return renderable

    def _render(self) -> Visual:
        """Textual 8's `Widget._render`, calling `prepare_render` on what `render` returns."""
        visual = self._layout_cache.get(VISUAL_CACHE_KEY)
        if isinstance(visual, Visual):
            return visual
        renderable = self.prepare_render(self.render())
        visual = visualize(self, renderable, markup=self._render_markup)
        self._layout_cache[VISUAL_CACHE_KEY] = visual
        return visual


# -- the garbage collector around `App.run` ----------------------------------------------------


def run_collector_frozen(run: Callable[[], T]) -> T:
    """`run()` (an app's run), first freezing what the process holds so far.

    Everything imported by then (Textual, the runbook, the engine: tens of thousands of
    objects) lives as long as the process. Left to the cyclic collector, a full collection
    walked them all while the session screen was composing (about 20 ms, the one pause a bare
    Textual app does not have) and again now and then while keys were pressed. Frozen, the
    collector only walks what the app makes from here on.

    Until the first frame is painted the collector waits too (the app calls `collect_again`
    after the first refresh): starting makes thousands of objects that stay, and the
    generation-1 collections that walked them cost some 5 ms before the first paint.
    """
    gc.freeze()
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def collect_again() -> None:
    """Let the collector run again (once the first frame is painted; see `run_collector_frozen`)."""
    gc.enable()


# -- a terminal that hangs up --------------------------------------------------------------------


def resume_only_on_a_live_terminal(tty_fd: int) -> None:
    """Keep Textual's SIGCONT handler (it restarts application mode after Ctrl+Z, `fg`) from
    running once the terminal has hung up.

    A hangup sends SIGHUP *and* SIGCONT (Linux: tty_signal_session_leader). Textual's Linux
    driver answers SIGCONT, in a plain signal handler on the main thread, by starting
    application mode again: a second writer thread over a terminal that is gone, while the
    app is closing for the SIGHUP (tui/app/launch.py). Seen in the suite: the old writer's
    queue full, the app blocked for ever in `WriterThread.stop`, the session paused but the
    process never ending. On a hung-up terminal there is nothing to resume, so the handler is
    skipped; on a live one it runs as before. Call from the main thread, once the driver has
    installed its handlers (the app's on_mount)."""
    import signal
    import termios

    textual_handler = signal.getsignal(signal.SIGCONT)
    if not callable(textual_handler):
        return  # headless or test drivers install none

    def on_sigcont(signum: int, frame: object) -> None:
        try:
            termios.tcgetattr(tty_fd)  # EIO once the terminal has hung up
        except (termios.error, OSError):
            return
        textual_handler(signum, frame)  # type: ignore[operator]

    signal.signal(signal.SIGCONT, on_sigcont)
