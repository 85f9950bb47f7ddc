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


async def _serve(watched: Path) -> tuple[asyncio.subprocess.Process, str]:
    """`turnout watch WATCHED --serve` started; the address it printed."""
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
    printed = []
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        printed.append(line)
        found = re.search(r"open\s+(http://127\.0\.0\.1:\d+/\S+/)", line)
        if found:
            return process, found[1]
        if not line:
            raise AssertionError(f"turnout watch --serve printed no address: {printed}")


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
        process, url = await _serve(watched)
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
                    "READ-ONLY", "✓ drain-delay  done", "▶ canary  running"
                )
                assert "keep-blue" in shown  # the whole runbook's steps
                print(
                    [
                        p.read_bytes()
                        for p in Path("/proc").glob("*/cmdline")
                        if b"tui" in p.read_bytes()
                    ],
                )
                # Without the token, the page's own origin refuses it too.
                status = await browser.evaluate("fetch(location.origin + '/').then(r => r.status)")
                assert status == 403
                log.rest()  # the session moves on: breach, rollback, the end
                await browser.wait_for_screen(
                    "↩ canary  rolled back", "SESSION ENDED: rolled back (exit 3)", "READ-ONLY"
                )
                # The browser's own `turnout watch` is still there (a crash would leave the
                # page showing its last frame; its traceback is in the server's output).
                assert _watchers(watched)
        finally:
            # The hardest way to go: killed, the server closes no websocket and tells its
            # watchers nothing. Each sees its server gone and leaves.
            process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(process.wait(), 20)
        for _ in range(200):
            if not _watchers(watched):
                break
            await asyncio.sleep(0.05)
        assert not _watchers(watched), "a browser's watcher outlived its server"

    asyncio.run(body())
    assert os.listdir(watched) == ["audit.jsonl"]  # the watcher wrote nothing beside the log
