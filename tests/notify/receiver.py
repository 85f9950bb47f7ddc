"""A real webhook receiver on 127.0.0.1 for the notification tests: `http.server` on its own
thread, keeping every POST it is sent. `delay` makes it slow (it holds each request that long
before answering, cut short when it stops); `status` is what it answers; `closed_port()` is a
port with nothing listening (a receiver that is down: the connection is refused)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    content_type: str
    body: dict[str, Any]


class Receiver:
    def __init__(self, *, delay: float = 0.0, status: int = 200) -> None:
        self.delay, self.status = delay, status
        self.received: list[Received] = []
        self.cond = threading.Condition()
        self.stopped = threading.Event()
        self.attempts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                with receiver.cond:
                    receiver.attempts += 1
                    receiver.cond.notify_all()
                if receiver.delay and receiver.stopped.wait(receiver.delay):
                    return
                with receiver.cond:
                    receiver.received.append(
                        Received(self.path, self.headers.get("Content-Type", ""), data)
                    )
                    receiver.cond.notify_all()
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up (its timeout)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def events(self) -> list[str]:
        with self.cond:
            return [r.body.get("event") or r.body.get("text", "") for r in self.received]

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Received]:
        """The first `count` deliveries, waiting on a condition (bound only a broken test hits)."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.received) >= count, timeout), (
                f"{len(self.received)} of {count} notifications arrived"
            )
            return list(self.received)

    def wait_attempts(self, count: int, timeout: float = 60.0) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.attempts >= count, timeout), (
                f"{self.attempts} of {count} attempts"
            )


@contextmanager
def receiving(*, delay: float = 0.0, status: int = 200) -> Iterator[Receiver]:
    receiver = Receiver(delay=delay, status=status)
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.stopped.set()
        receiver.server.shutdown()
        receiver.server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
