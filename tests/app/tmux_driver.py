"""Driving a real `turnout` command in tmux: start it in a detached session on a private tmux
server, send keys, read the screen with `capture-pane`. Used by the end-to-end test and by
`screenshots/render.py`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def have_tmux() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    """One `turnout` command running in its own tmux server (socket) and session."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        width: int = 120,
        height: int = 40,
        linger: int = 30,
        program: Sequence[str] = (sys.executable, "-m", "tui"),
    ) -> None:
        self.name = f"turnout-{uuid.uuid4().hex[:10]}"
        self.socket = self.name
        command = " ".join(shlex.quote(a) for a in [*program, *argv])
        script = (
            f"cd {shlex.quote(str(REPO))} && PYTHONPATH={shlex.quote(str(REPO))} {command}; "
            f"echo EXIT=$? ; sleep {linger}"
        )
        # Textual sizes itself from COLUMNS/LINES when set (pytest-xdist workers may carry 80x24).
        drop = ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(width),
            "-y",
            str(height),
            script,
            env=env,
        )

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=True,
        )
        return done.stdout

    def screen(self, history: bool = False) -> str:
        """The pane's text as it is now; with `history`, and what scrolled off its top."""
        start = ("-S", "-") if history else ()
        return self._tmux("capture-pane", "-p", *start, "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(
        self, want: str | Callable[[str], bool], timeout: float, *, what: str | None = None
    ) -> str:
        """Poll the pane until `want` (a text, or a test of the text) holds; the pane's text.
        Raises AssertionError with the last screen after `timeout` seconds."""
        test = (lambda text: want in text) if isinstance(want, str) else want
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if test(text):
                return text
            time.sleep(0.2)
        label = what or (want if isinstance(want, str) else "condition")
        raise AssertionError(f"timed out after {timeout}s waiting for {label!r}; screen:\n{text}")

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10, check=False
        )
