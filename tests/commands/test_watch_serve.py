"""`turnout watch SESSION --serve` in a real headless Chromium: the page shows the session's
steps and follows the session as it moves; a request without the token is refused.

The served command is started as a person starts it (a child process); the log it watches is a
recorded session's, written out again as the test says (tests/app/growing_log.py)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.app.growing_log import GrowingLog, record_canary
from tests.commands.headless_browser import Browser, chromium

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


BOUND_S = 90.0  # ends a broken test only: the suite shares two busy cores


async def _serve(watched: Path, printed: list[str]) -> tuple[asyncio.subprocess.Process, str]:
    """`turnout watch WATCHED --serve` started; the address it printed. Everything it prints
    goes on into `printed` (a failing test shows it: a watcher's traceback lands there)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui",
        "watch",
        str(watched),
        "--serve",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=watched.parent,
    )
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), BOUND_S)).decode()
        printed.append(line)
        found = re.search(r"open\s+(http://127\.0\.0\.1:\d+/\S+/)", line)
        if found:
            asyncio.get_running_loop().create_task(_drain(process, printed))
            return process, found[1]
        if not line:
            raise AssertionError(f"turnout watch --serve printed no address: {printed}")


async def _drain(process: asyncio.subprocess.Process, printed: list[str]) -> None:
    assert process.stdout is not None
    while line := await process.stdout.readline():
        printed.append(line.decode(errors="replace"))


def _watchers(watched: Path) -> list[int]:
    """The pids of the `turnout watch WATCHED` processes the server started for browsers."""
    wanted = f"tui\0watch\0{watched}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if wanted in line and b"--serve" not in line:
            found.append(int(entry.name))
    return found


async def _status(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url, allow_redirects=False) as response:
        return response.status


def test_the_browser_follows_the_session_and_nobody_without_the_token_gets_in(
    tmp_path,
) -> None:
    executable = chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    source, watched, profile = tmp_path / "recorded", tmp_path / "watched", tmp_path / "profile"
    for directory in (source, watched, profile):
        directory.mkdir()
    record_canary(source)
    log = GrowingLog(source, watched)
    log.through(log.index("step.start", step="canary"))

    async def body() -> None:
        printed: list[str] = []
        process, url = await _serve(watched, printed)
        base = url.split("/", 3)
        origin, token = "/".join(base[:3]), base[3].strip("/")
        try:
            async with aiohttp.ClientSession() as http:
                assert await _status(http, url) == 200
                assert await _status(http, f"{origin}/") == 403
                assert await _status(http, f"{origin}/static/js/textual.js") == 403
                assert await _status(http, f"{origin}/{token[:-1]}x/") == 403
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await http.ws_connect(f"{origin}/ws?width=80&height=24")
                assert refused.value.status == 403
            async with Browser(executable, profile) as browser:
                await browser.open(url)
                shown = await browser.wait_for_screen(
                    "READ-ONLY", "✓ drain-delay  done", "▶ canary  running", timeout=BOUND_S
                )
                assert "keep-blue" in shown  # the whole runbook's steps
                # Without the token, the page's own origin refuses it too.
                status = await browser.evaluate("fetch(location.origin + '/').then(r => r.status)")
                assert status == 403
                log.rest()  # the session moves on: breach, rollback, the end
                await browser.wait_for_screen(
                    "↩ canary  rolled back",
                    "SESSION ENDED: rolled back (exit 3)",
                    "READ-ONLY",
                    timeout=BOUND_S,
                )
                # The browser's own `turnout watch` is still there (a crash would leave the
                # page showing its last frame; its traceback is in the server's output).
                assert _watchers(watched)
        except AssertionError as failed:
            raise AssertionError(
                f"{failed}\nturnout watch --serve printed:\n{''.join(printed)}"
            ) from failed
        finally:
            # The hardest way to go: killed, the server closes no websocket and tells its
            # watchers nothing. Each sees its server gone and leaves.
            process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(process.wait(), 20)
        loop = asyncio.get_running_loop()
        end = loop.time() + BOUND_S
        while _watchers(watched) and loop.time() < end:
            await asyncio.sleep(0.05)
        assert not _watchers(watched), "a browser's watcher outlived its server"

    asyncio.run(body())
    assert os.listdir(watched) == ["audit.jsonl"]  # the watcher wrote nothing beside the log
