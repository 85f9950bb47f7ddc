"""One boto3 Session for a whole turnout session, and the clients made from it.

The same factory reaches real AWS (the standard credential chain, profiles, regions and
`AWS_ENDPOINT_URL`), the rehearsal world (an endpoint URL and fake credentials) or LocalStack.

Given a `CallRecorder`, every client the factory makes reports every call to it through
botocore's event system (see `_CallReporter`), so no adapter has to remember to log.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.loaders import Loader, create_loader

if TYPE_CHECKING:
    from tui.aws.protocol import CallRecorder

# Adaptive retries back off on throttling as the SDKs advise; the timeouts keep a hung endpoint
# from freezing a maintenance window (a poll that times out is reported as missing data).
DEFAULT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8},
    connect_timeout=5,
    read_timeout=20,
)

# Every Session in the process reads service models through one loader. botocore gives each
# Session a loader of its own, and each parses a service's JSON model again: a rehearsal makes a
# Session for the engine, the world, its simulator and the leases, and parsing the models was
# 16 % of a headless rehearsal's CPU (py-spy; EC2's model alone is ~0.2 s). The loader caches
# what it parsed and never changes it, so sharing it across threads and Sessions is safe.
_LOADER_LOCK = threading.Lock()
_LOADER: Loader | None = None


def _shared_loader() -> Loader:
    """The process's one loader (made at first use); call with _LOADER_LOCK held."""
    global _LOADER
    if _LOADER is None:
        _LOADER = create_loader()
    # boto3 appends its own data path to the loader's search paths at every Session.
    paths = _LOADER.search_paths
    paths[:] = list(dict.fromkeys(paths))
    return _LOADER


def new_session(**kwargs: Any) -> boto3.session.Session:
    """A boto3 Session (credentials, profile and region as boto3 takes them) that reads service
    models through the process's one loader."""
    with _LOADER_LOCK:
        core = botocore.session.Session()
        core.register_component("data_loader", _shared_loader())
        return boto3.session.Session(botocore_session=core, **kwargs)


def share_loader_with_every_session() -> None:
    """Make every botocore Session made from now on in this process, ours or not, read models
    through the one loader too (a Session given a `data_path` of its own keeps its own loader).

    For the rehearsal world: moto makes Sessions of its own (`boto3.Session()` for each
    partition's EC2 regions as `moto.ec2` is imported, one for every backend's regions), each
    with a fresh loader parsing EC2's 1.6 MB model and `endpoints.json` again: of a world's
    boot, botocore parsed EC2's model six times (~0.2 s each) and the endpoints five. Called
    before moto is imported (tui/rehearsal/fidelity/__init__.py). Idempotent."""
    if getattr(botocore.session.create_loader, "turnout_shared", False):
        return

    def shared_or_own(search_path_string: str | None = None) -> Loader:
        if search_path_string:
            return create_loader(search_path_string)
        with _LOADER_LOCK:
            return _shared_loader()

    shared_or_own.turnout_shared = True  # type: ignore[attr-defined]
    # botocore.session calls the name it imported from botocore.loaders for each new Session.
    botocore.session.create_loader = shared_or_own  # type: ignore[assignment]


# Keys this module keeps in botocore's per-call `context` dict. Per-call state lives there, not on
# the reporter, so concurrent calls on one client (clients are thread-safe) never mix.
_PARAMS, _TOKEN, _STARTED = "turnout_params", "turnout_token", "turnout_started"
_LAST_ATTEMPT = "turnout_last_attempt"  # when the SDK's latest attempt of the call was made


class _CallReporter:
    """botocore event handlers that tell a `CallRecorder` about each call of one client.

    - `provide-client-params`: keep the parameters exactly as the caller gave them (before
      botocore's own handlers rewrite any);
    - `before-call` (after validation and serialisation, just before sending): `intent`, which is
      durable when it returns. A call botocore refuses locally (bad parameters) is never sent, so
      it is never recorded;
    - `after-call` (a response arrived, success or AWS error, after the SDK's retries) and
      `after-call-error` (no response: endpoint unreachable, timeouts): `result`.
    """

    def __init__(self, recorder: CallRecorder, service: str, lock: threading.Lock) -> None:
        self.recorder, self.service, self.lock = recorder, service, lock

    def register(self, client: Any) -> None:
        events = client.meta.events
        events.register("provide-client-params", self.keep_params)
        events.register("before-call", self.intent)
        events.register("request-created", self.attempt_made)
        events.register("after-call", self.after_call)
        events.register("after-call-error", self.after_error)

    def keep_params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context[_PARAMS] = dict(params)

    def intent(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        # A recorder that fails here (disk full) must stop the call: raising does that.
        with self.lock:
            token = self.recorder.intent(self.service, model.name, context.get(_PARAMS, {}))
        context[_TOKEN], context[_STARTED] = token, time.monotonic()

    def attempt_made(self, request: Any, **_: Any) -> None:
        # Each attempt (the first and every retry) makes a new request; botocore keeps the
        # call's context on it. What came before the last attempt is what retrying cost.
        context = getattr(request, "context", None)
        if context is not None and _TOKEN in context:
            context[_LAST_ATTEMPT] = time.monotonic()

    def after_call(
        self, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        if _TOKEN not in context:  # another before-call handler answered first: never sent
            return
        ok = http_response.status_code < 300
        error = None
        if not ok:
            info = parsed.get("Error", {})
            error = f"{info.get('Code', http_response.status_code)}: {info.get('Message', '')}"
        request_id = parsed.get("ResponseMetadata", {}).get("RequestId")
        self._result(context, ok=ok, request_id=request_id, error=error)

    def after_error(self, exception: BaseException, context: dict[str, Any], **_: Any) -> None:
        if _TOKEN in context:
            self._result(context, ok=False, request_id=None, error=f"{exception}")

    def _result(
        self, context: dict[str, Any], *, ok: bool, request_id: str | None, error: str | None
    ) -> None:
        token = context.pop(_TOKEN)
        started = context.pop(_STARTED)
        duration = time.monotonic() - started
        # botocore counts the attempts in the call's context (`retries.attempt`, 1 + retries).
        attempts = int((context.get("retries") or {}).get("attempt") or 1)
        retry_s = max(context.pop(_LAST_ATTEMPT, started) - started, 0.0) if attempts > 1 else 0.0
        with self.lock:
            self.recorder.result(
                token,
                ok=ok,
                duration=duration,
                request_id=request_id,
                error=error,
                attempts=attempts,
                retry_s=retry_s,
            )


@dataclass
class ClientFactory:
    """Makes (and caches) boto3 clients for one profile/region/endpoint.

    `recorder`, when given, hears of every call every client makes (intent before, result after).
    """

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    credentials: dict[str, Any] | None = None
    config: Config = DEFAULT_CONFIG
    recorder: CallRecorder | None = None
    # When `credentials` expire, if the caller knows (an AssumeRole session it made).
    expires: datetime | None = None
    _session: boto3.session.Session | None = field(default=None, init=False, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    # boto3 Sessions are not thread-safe to create clients from; the clients themselves are.
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    # One recorder call at a time, whichever client or thread makes it: a recorder (the audit
    # log) need not be thread-safe itself.
    _record_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def session(self) -> boto3.session.Session:
        """The boto3 Session every client shares (one credential resolution, one cache)."""
        if self._session is None:
            self._session = new_session(
                profile_name=self.profile, region_name=self.region, **(self.credentials or {})
            )
        return self._session

    @property
    def region_name(self) -> str:
        """The region calls go to (the profile's or the environment's when none was given)."""
        return self.session.region_name or ""

    def described(self) -> dict[str, Any]:
        """Which AWS the session reaches and how, as the AWS CLI resolves it (the same
        botocore chain): the region, the profile, where the credentials came from (botocore's
        provider: `env`, `shared-credentials-file`, `sso`, `assume-role`, `explicit`, ...),
        whether they are temporary, the endpoint and the CA bundle. Never a secret: no key,
        no token (tests/test_secrets_attack.py hunts for them in every file and stream)."""
        core = self.session._session  # botocore's Session, for its resolved config
        credentials = self.session.get_credentials()
        found = {
            "region": self.region_name,
            "profile": self.profile or core.get_config_variable("profile"),
            "source": getattr(credentials, "method", None) if credentials else None,
            "temporary": bool(credentials and credentials.token),
            # As botocore resolves a client's endpoint: given, the environment, the profile.
            "endpoint": self.endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL")
            or core.get_scoped_config().get("endpoint_url"),
            "ca_bundle": core.get_config_variable("ca_bundle"),
        }
        return {key: value for key, value in found.items() if value not in (None, "")}

    def credentials_expire(self) -> datetime | None:
        """When the credentials run out, if anyone can tell: botocore's refreshable ones (SSO,
        assume-role profiles) know; `aws configure export-credentials --format env` sets
        AWS_CREDENTIAL_EXPIRATION; long-lived keys never expire (None)."""
        if self.expires is not None:
            return self.expires
        credentials = self.session.get_credentials()
        found = getattr(credentials, "_expiry_time", None)
        if isinstance(found, datetime):
            return found
        text = os.environ.get("AWS_CREDENTIAL_EXPIRATION")
        if text:
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
        return None

    def renew(self) -> None:
        """Forget the Session and its clients: the next client reads the credential chain
        again (the profile's SSO cache after `aws sso login`, a rewritten credentials file).
        The recorder stays, so the audit log sees every call either side."""
        with self._lock:
            self._session = None
            self._clients.clear()

    def client(self, service: str) -> Any:
        """A boto3 client for `service`; one per service, reused (clients are thread-safe)."""
        with self._lock:
            if service not in self._clients:
                client = self.session.client(
                    service, endpoint_url=self.endpoint_url, config=self.config
                )
                if self.recorder is not None:
                    _CallReporter(self.recorder, service, self._record_lock).register(client)
                self._clients[service] = client
            return self._clients[service]
