"""The rehearsal AWS endpoint: moto's ThreadedMotoServer on 127.0.0.1, with our fidelity patches.

Only the loopback address is bound: the rehearsal world is never reachable from the network.
Besides AWS's APIs it answers `GET /turnout/world` (tui/rehearsal/world_endpoint.py): the
world's clock and its front door's hosts, for a `turnout run` pointed at it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from tui.clock import SystemClock
from tui.rehearsal import fidelity
from tui.rehearsal.fidelity.world_time import WorldTime
from tui.rehearsal.world_endpoint import serving_about

# moto accepts any credentials; these make it obvious in a log that no real account was used.
FAKE_CREDENTIALS = {
    "aws_access_key_id": "AKIAREHEARSAL0000000",
    "aws_secret_access_key": "rehearsal-not-a-secret",
    "aws_session_token": None,
}


class _WorldServer(ThreadedMotoServer):
    """moto's threaded server, its app wrapped to answer `GET /turnout/world` too (moto's
    `_server_entry` with one line more: the wrap)."""

    def __init__(self, time: WorldTime, hosts: Callable[[], dict[str, str]]) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self._time, self._hosts = time, hosts

    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            self._ip_address,
            self._port,
            serving_about(app, self._time.clock, self._hosts),  # type: ignore[arg-type]
            True,
            request_handler=MotoRequestHandler,
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class MotoServer:
    """A moto server on a free loopback port; use as a context manager or start()/stop().
    `hosts()` names what the world's front door serves (published at /turnout/world)."""

    def __init__(
        self, time: WorldTime | None = None, hosts: Callable[[], dict[str, str]] | None = None
    ) -> None:
        # Without a world of its own (a bare server in a test), the extensions read the wall clock.
        self.time = time or WorldTime(SystemClock())
        self._hosts = hosts or dict
        self._server: ThreadedMotoServer | None = None
        self.endpoint_url = ""

    def start(self) -> str:
        """Install the fidelity patches, start serving, and return the endpoint URL."""
        fidelity.install(self.time)
        # werkzeug logs every request at INFO: noise on an operator's terminal, cost in a drill.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = _WorldServer(self.time, self._hosts)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self.endpoint_url

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
