"""What tui/app/textual_compat.py relies on in Textual (pinned in pyproject.toml) is still there
and still behaves so. A failure here after a Textual upgrade names what changed: mend the compat
module (or drop the trick) before anything else."""

from __future__ import annotations

import asyncio
import inspect
import re
from pathlib import Path

import textual
from textual.app import App, ComposeResult
from textual.reactive import Reactive
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Footer, Static

from tui.app import textual_compat

APP_DIR = Path(textual_compat.__file__).parent


def _source(obj: object) -> str:
    return inspect.getsource(obj)  # type: ignore[arg-type]


def test_footer_key_is_still_the_footers_key_widget() -> None:
    from textual.widgets import _footer

    assert hasattr(_footer, "FooterKey"), "textual.widgets._footer.FooterKey is gone"
    assert textual_compat.FooterKey is _footer.FooterKey
    assert isinstance(getattr(_footer.FooterKey, "compact", None), Reactive), (
        "FooterKey.compact is no longer a reactive: KeysFooter sets it before a key mounts"
    )
    assert "FooterKey(" in _source(Footer.compose), "Footer.compose no longer makes FooterKeys"


def test_footer_still_waits_on_bindings_ready() -> None:
    ready = getattr(Footer, "_bindings_ready", None)
    assert isinstance(ready, Reactive), "Footer._bindings_ready is no longer a reactive"
    assert "self._bindings_ready" in _source(Footer.compose), (
        "Footer.compose no longer waits on _bindings_ready: mark_footer_ready may go"
    )
    assert "self.bindings_changed" in _source(Footer.on_mount), (
        "Footer no longer subscribes bindings_changed: KeysFooter.bindings_changed is not called"
    )


def test_footer_marked_ready_composes_its_keys_at_once() -> None:
    class Bare(App[None]):
        ENABLE_COMMAND_PALETTE = False
        BINDINGS = [("x", "bell", "Ring")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            footer = Footer()
            textual_compat.mark_footer_ready(footer)
            yield footer

    async def body() -> None:
        async with Bare().run_test(size=(40, 5)) as pilot:
            keys = pilot.app.query(textual_compat.FooterKey)
            assert [key.description for key in keys] == ["Ring"]

    asyncio.run(body())


def test_widget_render_still_keeps_its_drawing_where_render_hook_does() -> None:
    source = _source(Widget._render)
    for relied_on in (
        f'"{textual_compat.VISUAL_CACHE_KEY}"',
        "self._layout_cache",
        "visualize(self, self.render(), markup=self._render_markup)",
    ):
        assert relied_on in source, (
            f"Widget._render no longer has {relied_on}: RenderHook._render copies it"
        )
    assert hasattr(Widget(), "_render_markup"), "Widget._render_markup is gone"


def test_a_render_hook_draws_and_is_drawn_again_after_forget() -> None:
    calls: list[str] = []

    class Hooked(textual_compat.RenderHook):
        def render(self) -> str:
            return "hello"

        def prepare_render(self, renderable):  # type: ignore[no-untyped-def]
            calls.append(str(renderable))
            return renderable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Hooked()
            yield Static("there")

    async def body() -> None:
        async with Bare().run_test(size=(20, 4)) as pilot:
            hooked = pilot.app.query_one(Hooked)
            assert calls, "RenderHook._render was not called: Textual draws some other way"
            assert "hello" in str(pilot.app.export_screenshot())
            textual_compat.forget_drawing(hooked)
            drawn = hooked._render()
            assert isinstance(drawn, Visual)
            assert hooked._layout_cache.get(textual_compat.VISUAL_CACHE_KEY) is drawn, (
                "Widget._layout_cache no longer keeps a drawing"
            )
            assert hooked._render() is drawn
            textual_compat.forget_drawing(hooked)
            assert hooked._render() is not drawn

    asyncio.run(body())


def test_the_collector_is_frozen_while_the_app_runs() -> None:
    import gc

    seen: list[bool] = []
    assert textual_compat.run_collector_frozen(lambda: seen.append(gc.isenabled()) or 7) == 7
    assert seen == [False] and gc.isenabled()


def test_nothing_else_in_the_app_touches_textuals_privates() -> None:
    """Only the compat module imports a private Textual module or names these private names."""
    private = re.compile(
        r"textual\.\w+\._|_bindings_ready|_layout_cache|_render_markup|def _render\b|gc\.freeze"
    )
    strays = [
        f"{path.relative_to(APP_DIR)}:{n}: {line.strip()}"
        for path in sorted(APP_DIR.rglob("*.py"))
        if path.name != "textual_compat.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert not strays, "move these into tui/app/textual_compat.py:\n" + "\n".join(strays)


def test_textual_is_the_version_this_was_checked_against() -> None:
    """Not a failure to mend by itself: a reminder that the tests above are the ones to read."""
    assert textual.__version__.startswith("8."), (
        f"Textual {textual.__version__}: textual_compat.py was written against 8.x"
    )


def test_sigcont_reaches_textual_only_while_the_terminal_lives() -> None:
    """A hangup sends SIGHUP and SIGCONT. Textual's driver answers SIGCONT by starting
    application mode again, which on a terminal that has gone left the app blocked for ever
    in `WriterThread.stop` (seen in the suite). It must reach Textual on a live terminal (Ctrl+Z
    then `fg`) and not on a hung-up one. Relies on LinuxDriver installing a SIGCONT handler."""
    import os
    import pty
    import signal

    from textual.drivers.linux_driver import LinuxDriver

    from tui.app.textual_compat import resume_only_on_a_live_terminal

    assert hasattr(LinuxDriver, "_sigcont_application"), (
        "Textual's LinuxDriver no longer has _sigcont_application: check how it resumes after "
        "SIGCONT, and whether resume_only_on_a_live_terminal is still needed"
    )
    heard: list[int] = []
    before = signal.signal(signal.SIGCONT, lambda signum, frame: heard.append(signum))
    master, slave = pty.openpty()
    try:
        resume_only_on_a_live_terminal(slave)
        signal.raise_signal(signal.SIGCONT)
        assert heard == [signal.SIGCONT]  # a live terminal: Textual resumes as before
        os.close(master)  # the terminal hangs up
        master = -1
        signal.raise_signal(signal.SIGCONT)
        assert heard == [signal.SIGCONT]  # gone: nothing to resume, Textual not called
    finally:
        signal.signal(signal.SIGCONT, before)
        os.close(slave)
        if master >= 0:
            os.close(master)
