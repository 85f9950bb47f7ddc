"""Running one questionary prompt until it is answered or a deadline on the engine clock passes.

questionary builds a prompt_toolkit `Application` (`Question.application`); we run it with
`run_async()` in a private asyncio loop next to a watcher task. The watcher reads the engine's
clock (in a rehearsal the world's accelerated clock, in tests a `ManualClock`) every
`POLL_SECONDS` of wall time. It prints a countdown line above the prompt at each announcement
point (`run_in_terminal` erases the prompt, prints, and redraws it: the only cursor movement is
prompt_toolkit's own), and when the deadline passes it ends the prompt with `TIMED_OUT`, which
the operator turns into the question's default.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from prompt_toolkit.application import run_in_terminal
from questionary import Question as Prompt

from tui.clock import Clock

POLL_SECONDS = 0.05  # wall time between looks at the engine clock


class _TimedOut:
    """The result of a prompt whose deadline passed."""

    def __repr__(self) -> str:
        return "TIMED_OUT"


TIMED_OUT: Any = _TimedOut()


class _Withdrawn:
    """The result of a prompt the engine took down (tui/engine/asking.py)."""

    def __repr__(self) -> str:
        return "WITHDRAWN"


WITHDRAWN: Any = _Withdrawn()


def announce_at(total: float) -> list[float]:
    """Remaining seconds at which a countdown line is printed, largest first: every minute
    above one minute (every 5 above 10), then 30 s and 10 s. Few lines, so a log stays short."""
    marks: list[float] = []
    step = 300 if total > 600 else 60
    mark = (int(total) // step) * step
    while mark >= 60:
        if mark < total:
            marks.append(float(mark))
        mark -= step
    marks += [m for m in (30.0, 10.0) if m < total]
    return marks


def run_prompt(
    prompt: Prompt,
    clock: Clock,
    deadline: datetime | None,
    say: Callable[[float], None],
    *,
    withdrawn: threading.Event | None = None,
    drain: Callable[[], Callable[[], None] | None] | None = None,
) -> Any:
    """The prompt's answer, `TIMED_OUT` once `clock.now()` reaches `deadline`, or `WITHDRAWN`
    once `withdrawn` is set (the engine took the question down).

    `say(remaining_seconds)` prints a countdown line and `drain()` gives what prints the
    engine's reports meanwhile (None: nothing new), both above the running prompt, so nothing
    goes dark while a person decides. KeyboardInterrupt (Ctrl-C) and EOFError (the input
    ended) propagate.
    """
    if deadline is None and withdrawn is None and drain is None:
        return prompt.unsafe_ask()
    return asyncio.run(_run_until(prompt, clock, deadline, say, withdrawn, drain))


async def _run_until(
    prompt: Prompt,
    clock: Clock,
    deadline: datetime | None,
    say: Callable[[float], None],
    withdrawn: threading.Event | None,
    drain: Callable[[], Callable[[], None] | None] | None,
) -> Any:
    app = prompt.application
    if deadline is not None and clock.now() >= deadline:  # past: nobody could answer in time
        return TIMED_OUT
    marks = announce_at((deadline - clock.now()).total_seconds()) if deadline else []

    async def watch() -> None:
        while True:
            if withdrawn is not None and withdrawn.is_set() and app.is_running:
                with contextlib.suppress(Exception):
                    app.exit(result=WITHDRAWN)
                return
            printer = drain() if drain is not None else None
            if printer is not None and app.is_running:
                await run_in_terminal(printer)
            if deadline is None:
                await asyncio.sleep(POLL_SECONDS)
                continue
            remaining = (deadline - clock.now()).total_seconds()
            if remaining <= 0 and app.is_running:
                # An answer typed in the same instant wins: exit() refuses a second result.
                with contextlib.suppress(Exception):
                    app.exit(result=TIMED_OUT)
                return
            if remaining > 0 and marks and remaining <= marks[0]:
                while marks and remaining <= marks[0]:
                    marks.pop(0)
                if app.is_running:
                    await run_in_terminal(lambda r=remaining: say(r))
            await asyncio.sleep(POLL_SECONDS)

    watcher = asyncio.ensure_future(watch())
    try:
        return await app.run_async()
    finally:
        watcher.cancel()
