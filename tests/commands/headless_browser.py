"""A real headless Chromium driven over the DevTools protocol (aiohttp's websocket client: no
browser-automation dependency), for the tests of what a browser shows.

textual-serve draws the app with xterm.js on a canvas, so the page has no text to read. Before
the page's scripts run, a hook catches the xterm `Terminal` as textual-serve's code stores it
(`this.terminal = new Terminal(...)`, an assignment that meets a setter on Object.prototype),
and `screen()` reads the terminal's buffer: the characters the canvas shows, row by row.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
    "--remote-debugging-port=0",
]

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer) window.__terminal = value;
  },
});
"""

READ_SCREEN = """
(() => {
  const t = window.__terminal;
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""


def chromium() -> str | None:
    """The Chromium on this machine (Debian's `chromium`), or None."""
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


class Browser:
    """One headless Chromium with one page; use `async with`."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.executable, self.profile = executable, profile
        self._ids = itertools.count(1)
        self._process: subprocess.Popen[bytes] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: Any = None

    async def __aenter__(self) -> Browser:
        port_file = self.profile / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)  # a profile used before holds the old port
        self._process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):  # Chromium writes its port once it listens (about a second)
            if port_file.is_file() and port_file.read_text().strip():
                break
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self._process.returncode}")
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("chromium did not open its DevTools port in 15 s")
        port = int(port_file.read_text().split()[0])
        self._http = aiohttp.ClientSession()
        async with self._http.get(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [t for t in await response.json() if t["type"] == "page"]
        self._ws = await self._http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Page.enable")
        await self.call("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    async def call(self, method: str, **params: Any) -> dict:
        """One DevTools command; its result (events that come meanwhile are dropped)."""
        number = next(self._ids)
        await self._ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads((await self._ws.receive()).data)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def open(self, url: str) -> None:
        """Go to `url`."""
        await self.call("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result.get("result", {}).get("value")

    async def screen(self) -> str:
        """The terminal's rows as the page shows them ("" before the app has drawn)."""
        return await self.evaluate(READ_SCREEN) or ""

    async def wait_for_screen(self, *texts: str, timeout: float = 20.0) -> str:
        """Wait until the page's terminal shows every one of `texts`; the screen then. Fails
        after `timeout` real seconds (a bound for a broken test, not a pace), with the screen."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            shown = await self.screen()
            if all(text in shown for text in texts):
                return shown
            if loop.time() > end:
                raise AssertionError(f"the page never showed {texts}; it showed:\n{shown}")
            await asyncio.sleep(0.1)
