"""The world's front door: `http://app.shop.example.com/...` served on 127.0.0.1.

An `http.probe` step in a rehearsal is sent here (the rehearsal maps the app's host name to this
address), and each request is served the way the traffic model serves a user: routed by the
current Route 53 and listener weights to a target, answered 200 or 5xx by the faults on that
target's image or zone. So a smoke test sees a bad green exactly as users do.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tui.rehearsal.traffic import GroupTraffic

# Serve one request: returns what each target group did with it.
ServeOne = Callable[[random.Random], dict[str, GroupTraffic]]


class FrontDoor:
    """A loopback HTTP server that answers as the web tier would."""

    def __init__(self, serve_one: ServeOne, host_name: str) -> None:
        self._serve_one = serve_one
        self.host_name = host_name
        self._rng = random.Random(3)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.address = ""

    def _status(self) -> int:
        with self._lock:
            groups = self._serve_one(self._rng)
        if not any(g.requests for g in groups.values()):
            return 503
        if any(g.elb_5xx for g in groups.values()):
            return 503
        return 500 if any(g.target_5xx for g in groups.values()) else 200

    def start(self) -> str:
        """Serve on a free loopback port; return `host:port`."""
        door = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                status = door._status() if host in (door.host_name, "127.0.0.1") else 404
                body = {200: b"ok\n", 404: b"unknown host\n"}.get(status, b"error\n")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None  # the operator's terminal is not a web server log

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # shutdown() waits for the loop to notice, up to one poll interval: the default half
        # second was half a second of every world's stop (a test suite starts hundreds).
        server = self._server
        threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name="front-door", daemon=True
        ).start()
        host, port = self._server.server_address[:2]
        self.address = f"{host}:{port}"
        return self.address

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
