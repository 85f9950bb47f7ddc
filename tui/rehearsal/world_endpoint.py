"""What a rehearsal world says about itself at `GET <endpoint>/turnout/world`: its clock and
the host names its front door serves. `turnout run` pointed at `turnout world`
(AWS_ENDPOINT_URL) reads it, so its waits, bakes and metric periods follow the world's clock
(not the wall clock, which the world at `--speed 10` runs ten times ahead of), and its
`http.probe` reaches the world's front door for `app.shop.example.com` as `rehearse`'s does.

Real AWS (and any other endpoint) answers no such document: the session then keeps the wall
clock and plain DNS. Pure standard library: `turnout run` imports it without moto.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from tui.clock import Clock
from tui.rehearsal.shared_clock import PUBLISH_EVERY, PublishedClock, clock_reading

PATH = "/turnout/world"
KIND = "turnout-rehearsal-world/1"
READ_TIMEOUT = 2.0  # seconds: a loopback world answers at once; anything else is not one

WsgiApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


def serving_about(app: WsgiApp, clock: Clock, hosts: Callable[[], dict[str, str]]) -> WsgiApp:
    """`app` (moto's server) with `GET PATH` answered by the world itself: its clock reading
    (tui/rehearsal/shared_clock.py) and `hosts()`, host name -> `127.0.0.1:port`."""

    def about(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET":
            return app(environ, start_response)
        body = json.dumps({"kind": KIND, "clock": clock_reading(clock), "http_hosts": hosts()})
        start_response(
            "200 OK",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body.encode()]

    return about


def read_about(endpoint_url: str) -> dict | None:
    """The world's document at `endpoint_url`, or None when the endpoint is not a world (real
    AWS, LocalStack, nothing listening). Never through a proxy: a world is on loopback."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(endpoint_url.rstrip("/") + PATH, timeout=READ_TIMEOUT) as answer:
            found = json.loads(answer.read(65536))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return found if isinstance(found, dict) and found.get("kind") == KIND else None


def endpoint_clock(endpoint_url: str, first: dict) -> PublishedClock:
    """The world's clock at `endpoint_url`, starting from the document `first` read_about gave;
    read again over HTTP at most every PUBLISH_EVERY real seconds. A world that stops
    answering holds the clock where it was last read (as a stalled world holds its own)."""
    last = {"clock": first["clock"]}

    def read() -> dict:
        got = read_about(endpoint_url)
        if got is not None:
            last["clock"] = got["clock"]
        return last["clock"]

    return PublishedClock(read, monotonic=time.monotonic, every=PUBLISH_EVERY)
