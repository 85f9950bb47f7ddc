"""`turnout watch SESSION --serve`: the watching screen in a browser, behind a token.

textual-serve runs a command for each browser that connects and carries its screen over a
websocket; it has no authentication of its own. So its whole site is mounted under a path made
of a random token (`http://127.0.0.1:PORT/TOKEN/`: the page, its scripts and its websocket all
live there), and a middleware in front refuses every request whose first path segment is not
the token (403, compared in constant time), and a websocket whose Origin is another site. The
command each browser gets is `turnout watch SESSION` itself: read-only by construction.
"""

from __future__ import annotations

import hmac
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from tui.errors import InputError
from tui.exitcodes import ExitCode

REFUSED = (
    "turnout watch: refused. This address needs the token that `turnout watch --serve` "
    "printed: open the whole address it printed.\n"
)


class TokenServer(Server):
    """textual-serve's server, its routes under `/<token>/`, nothing served without it."""

    def __init__(self, command: str, token: str, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token

    @property
    def url(self) -> str:
        """The address to open (the only one that answers)."""
        return f"{self.public_url}/{self.token}/"

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo and an address without the token here: not ours."""

    async def make_site(self) -> web.Application:
        """The root application: the guard, and textual-serve's routes under the token."""
        inner = await self._make_app()
        root = web.Application(middlewares=[self._guard])
        root.add_subapp(f"/{self.token}/", inner)
        return root

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        first, _, rest = request.path.lstrip("/").partition("/")
        if not hmac.compare_digest(first.encode(), self.token.encode()):
            return web.Response(status=403, text=REFUSED)
        if not rest and not request.path.endswith("/"):
            raise web.HTTPFound(f"/{self.token}/")
        origin = request.headers.get("Origin")
        if origin and rest.startswith("ws") and urlsplit(origin).netloc != request.host:
            return web.Response(status=403, text="turnout watch: refused: another site\n")
        return await handler(request)


def listening_socket(bind: str, port: int) -> socket.socket:
    """A socket listening on `bind`:`port` (0: a free port), or InputError (exit 2)."""
    try:
        info = socket.getaddrinfo(bind, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(64)
    except OSError as exc:
        raise InputError(
            f"--bind {bind} --port {port}: cannot listen there ({exc.strerror or exc}); "
            "choose another --port, or leave it out for a free one"
        ) from exc
    return sock


def serve(
    session_dir: Path, *, port: int = 0, bind: str = "127.0.0.1", out: TextIO | None = None
) -> int:
    """Serve the watching screen of `session_dir` until Ctrl-C (or SIGTERM); 0 then."""
    out = out or sys.stdout
    sock = listening_socket(bind, port)
    host, real_port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    # `exec`: the watcher is the server's own child, so it can tell when the server is gone
    # (a kill -9 closes no websocket) and leave (tui/app/watch.py, `parent_pid`).
    command = "exec " + shlex.join(
        [sys.executable, "-m", "tui", "watch", str(session_dir.resolve())]
    )
    server = TokenServer(
        command,
        secrets.token_urlsafe(24),
        shown_host,
        real_port,
        title=f"turnout watch {session_dir.name}",
    )
    print(f"turnout: serving a READ-ONLY view of {session_dir}", file=out)
    print(f"  open  {server.url}", file=out)
    print("  (anyone who has this address can watch the session; Ctrl-C stops serving)", file=out)
    if host not in ("127.0.0.1", "::1"):
        print(f"  note: listening on {host}, not only this machine", file=out)
    out.flush()
    # A browser still connected would hold a graceful shutdown for a minute: its handler is
    # cancelled after a second instead, which closes its websocket and ends its watcher.
    web.run_app(
        server.make_site(), sock=sock, print=None, handle_signals=True, shutdown_timeout=1.0
    )
    return int(ExitCode.COMPLETED)
