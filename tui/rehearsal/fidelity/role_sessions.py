"""Temporary credentials as AWS enforces them: an AssumeRole session expires at its Expiration on
the world's clock, and a session policy limits what the session may do.

moto issues AssumeRole credentials (`ASIA…`) but never refuses them: their `Expiration` is
computed on the wall clock and never checked, and the `Policy` given to AssumeRole is stored and
ignored while access control is off. AWS refuses a call signed with expired credentials
(`ExpiredToken`; `ExpiredTokenException` on JSON services; `RequestExpired` on EC2), and
evaluates a session policy as a limit: "the resulting session's permissions are the
intersection of the role's identity-based policy and the session policies" (IAM User Guide,
"Session policies"). The role's own policy is moto's business (allow-all while access control
is off; `turnout rehearse --policy` turns it on), so only the session policy is evaluated here,
with moto's own policy evaluator. Long-term keys (`AKIA…`, the world's own) are never touched.

This is what a rehearsal's "the SSO session ran out mid-window" and "the role lost a statement"
are made of: the session's calls are real round trips that AWS's answer comes back from.
"""

from __future__ import annotations

import threading
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import BaseResponse
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.sts.models import AssumedRole, STSBackend

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.aws_errors import error_answer
from tui.rehearsal.fidelity.world_time import WorldTime

# Each protocol's own codes, as the services' APIs document them (AWS "Common Errors").
EXPIRED_CODES = {"ec2": "RequestExpired", "json": "ExpiredTokenException"}
DENIED_CODES = {"ec2": "UnauthorizedOperation", "json": "AccessDeniedException"}
EXPIRED_DEFAULT, DENIED_DEFAULT = "ExpiredToken", "AccessDenied"
# IAM's action prefix where it is not the service's signing name.
_IAM_PREFIX = {"monitoring": "cloudwatch"}

# AssumeRole sessions issued by this world, by access key id: when each expires (world time)
# and its session policy. Keys are random, so a reset world never meets an old one.
_sessions: dict[str, tuple[datetime, str | None, str]] = {}
_lock = threading.Lock()


class _Refused(ServiceException):
    """AWS's refusal of the credentials or of the action."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def expiry_of(access_key_id: str) -> datetime | None:
    """When the AssumeRole session with `access_key_id` expires on the world's clock."""
    with _lock:
        found = _sessions.get(access_key_id)
    return found[0] if found else None


def _assume_role(time: WorldTime, original: Any) -> Any:
    def assume_role(self: STSBackend, *args: Any, **kwargs: Any) -> AssumedRole:
        role = original(self, *args, **kwargs)
        expires = time.now() + timedelta(seconds=int(kwargs.get("duration") or 3600))
        # What the caller is told (Credentials.Expiration) is the world's time too.
        role.expiration = expires.astimezone(UTC).replace(tzinfo=None)
        with _lock:
            _sessions[role.access_key_id] = (expires, role.policy or None, role.arn)
        return role

    return assume_role


def _refusal(time: WorldTime, response: BaseResponse) -> _Refused | None:
    """AWS's answer to this request's credentials, or None when they may make it."""
    key = response.get_access_key()
    with _lock:
        session = _sessions.get(key)
    if session is None:
        return None
    expires, policy, arn = session
    protocol = _protocol(response)
    if time.now() >= expires:
        code = EXPIRED_CODES.get(protocol, EXPIRED_DEFAULT)
        return _Refused(code, "The security token included in the request is expired")
    if policy is None:
        return None
    action = f"{_signing_name(response)}:{response._get_action()}"
    if IAMPolicy(policy).is_action_permitted(action) is PermissionResult.PERMITTED:
        return None
    code = DENIED_CODES.get(protocol, DENIED_DEFAULT)
    # AWS's wording, which names the action to add (docs: "Troubleshoot access denied").
    return _Refused(
        code,
        f"User: {arn} is not authorized to perform: {action} because no session policy "
        f"allows the {action} action",
    )


def _protocol(response: BaseResponse) -> str:
    from moto.core.responses import get_service_model

    model = get_service_model(response.boto3_service_name)
    return "ec2" if model.protocol == "ec2" else ("json" if model.protocol == "json" else "")


def _signing_name(response: BaseResponse) -> str:
    authorization = response.headers.get("Authorization", "") if response.headers else ""
    scope = authorization.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    name = scope[3] if len(scope) > 3 else str(response.service_name)
    return _IAM_PREFIX.get(name, name)


def _dispatch(time: WorldTime) -> Any:
    def dispatch(self: BaseResponse, request: Any, full_url: Any = None, headers: Any = None):  # type: ignore[no-untyped-def]
        # moto's own _dispatch is these two calls; the refusal comes between them, after the
        # request is parsed and before any backend sees it.
        self.setup_class(request, full_url, headers)
        refused = _refusal(time, self)
        if refused is None:
            return self.call_action()
        return error_answer(self, refused)

    return dispatch


def install(time: WorldTime) -> None:
    """AssumeRole sessions expire on the world's clock and obey their session policy."""
    # Credential refusals come from AWS's front door, not the service, so no service model
    # has their shapes, and moto warns of that on every refusal. Set on every install: test
    # runners reset warning filters between tests.
    warnings.filterwarnings("ignore", message=r"Exception\(_Refused\)", category=UserWarning)
    patching.wrap(STSBackend, "assume_role", lambda original: _assume_role(time, original))
    patching.patch(BaseResponse, "_dispatch", _dispatch(time))


def tick(time: WorldTime, now: datetime) -> None:
    """Expiry is read at each call: nothing moves with time."""
    return None
