"""One boto3 Session for a whole turnout session, and the clients made from it.

The same factory reaches real AWS (the standard credential chain, profiles, regions and
`AWS_ENDPOINT_URL`), the rehearsal world (an endpoint URL and fake credentials) or LocalStack.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

# Adaptive retries back off on throttling as the SDKs advise; the timeouts keep a hung endpoint
# from freezing a maintenance window (a poll that times out is reported as missing data).
DEFAULT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8},
    connect_timeout=5,
    read_timeout=20,
)


@dataclass
class ClientFactory:
    """Makes (and caches) boto3 clients for one profile/region/endpoint."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    credentials: dict[str, Any] | None = None
    config: Config = DEFAULT_CONFIG
    _session: boto3.session.Session | None = field(default=None, init=False, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    # boto3 Sessions are not thread-safe to create clients from; the clients themselves are.
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def session(self) -> boto3.session.Session:
        """The boto3 Session every client shares (one credential resolution, one cache)."""
        if self._session is None:
            self._session = boto3.session.Session(
                profile_name=self.profile, region_name=self.region, **(self.credentials or {})
            )
        return self._session

    def client(self, service: str) -> Any:
        """A boto3 client for `service`; one per service, reused (clients are thread-safe)."""
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self.session.client(
                    service, endpoint_url=self.endpoint_url, config=self.config
                )
            return self._clients[service]
