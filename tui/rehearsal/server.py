"""The rehearsal AWS endpoint: moto's ThreadedMotoServer on 127.0.0.1, with our fidelity patches.

Only the loopback address is bound: the rehearsal world is never reachable from the network.
"""

from __future__ import annotations

import logging
from types import TracebackType

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from tui.clock import SystemClock
from tui.rehearsal import fidelity
from tui.rehearsal.fidelity.world_time import WorldTime

# moto accepts any credentials; these make it obvious in a log that no real account was used.
FAKE_CREDENTIALS = {
    "aws_access_key_id": "AKIAREHEARSAL0000000",
    "aws_secret_access_key": "rehearsal-not-a-secret",
    "aws_session_token": None,
}


class MotoServer:
    """A moto server on a free loopback port; use as a context manager or start()/stop()."""

    def __init__(self, time: WorldTime | None = None) -> None:
        # Without a world of its own (a bare server in a test), the extensions read the wall clock.
        self.time = time or WorldTime(SystemClock())
        self._server: ThreadedMotoServer | None = None
        self.endpoint_url = ""

    def start(self) -> str:
        """Install the fidelity patches, start serving, and return the endpoint URL."""
        fidelity.install(self.time)
        # werkzeug logs every request at INFO: noise on an operator's terminal, cost in a drill.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
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
