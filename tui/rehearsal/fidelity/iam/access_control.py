"""The world enforces IAM on a session's credentials, as AWS does (`turnout rehearse --policy`).

moto has IAM access control (`settings.INITIAL_NO_AUTH_ACTION_COUNT`: off, the default, allows
every call; 0 checks every request's signature and its caller's policies), but three things keep
it from enforcing a least-privilege policy on one session inside a world:

- it is process-wide: the world's own callers (seeding, the simulator, the lease store) sign
  with the world's key, which no IAM user owns, so they would be refused. Keys registered with
  `exempt` are AWS itself here, and pass unchecked;
- it names an action by the request's signing name: CloudWatch signs as `monitoring`, but IAM's
  action is `cloudwatch:GetMetricData` (Service Authorization Reference, "Amazon CloudWatch":
  service prefix `cloudwatch`);
- it checks almost every request against the resource `*`, so a statement scoped to an ARN
  never matches. Here a request whose resource moto does not know is allowed by a statement
  naming its action whatever the statement's Resource: the action is enforced, the resources
  are checked by the preflight's SimulatePrincipalPolicy over the resources' real ARNs.

- it recomputes each request's SigV4 signature from the request as it parsed it, which fails
  for REST calls with a query string (Route 53's ListHostedZonesByName answered
  SignatureDoesNotMatch to a correctly signed request). Here the signature is not recomputed:
  the caller is known by its access key id (and a role session's token must still match).

Decisions come from `evaluation.decide` (moto's statement evaluator), as the simulator's do.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import IAMRequestBase
from moto.iam.models import Policy

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.iam.evaluation import ALLOWED, SourcePolicy, _managed, decide
from tui.rehearsal.fidelity.world_time import WorldTime

# IAM's service prefix where it is not the signing name.
_IAM_PREFIX = {"monitoring": "cloudwatch"}

_exempt: set[str] = set()
_lock = threading.Lock()


def exempt(access_key_id: str) -> None:
    """Requests signed with `access_key_id` (the world's own) are never checked."""
    with _lock:
        _exempt.add(access_key_id)


def enforce(on: bool) -> None:
    """Check every request of a non-exempt key against its caller's policies (on), or none."""
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0 if on else float("inf")
    ActionAuthenticatorMixin.request_count = 0


def enforcing() -> bool:
    return settings.INITIAL_NO_AUTH_ACTION_COUNT == 0


def _authenticate(original: Any) -> Any:
    def authenticate(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if not enforcing():  # moto's own count of unchecked requests, untouched
            return original(self, iam_request_cls, resource)
        with _lock:
            spared = self.get_access_key() in _exempt
        if spared:
            return None
        return original(self, iam_request_cls, resource)

    return authenticate


def _named_as_iam(original: Any) -> Any:
    def init(self: IAMRequestBase, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        prefix, _, name = self._action.partition(":")
        self._action = f"{_IAM_PREFIX.get(prefix, prefix)}:{name}"

    return init


def _source(policy: Any) -> SourcePolicy:
    if isinstance(policy, Policy):
        return _managed(policy)
    text = policy if isinstance(policy, str) else policy["policy_document"]
    return SourcePolicy("inline", "inline", json.loads(text) if isinstance(text, str) else text)


def check_action_permitted(self: IAMRequestBase, resource: str) -> None:
    """moto's check, deciding with `evaluation.decide` (see the module docstring)."""
    if self._action == "sts:GetCallerIdentity":  # AWS never refuses it
        return
    policies = [_source(p) for p in self._access_key.collect_policies()]
    decision = decide(policies, self._action, None if resource == "*" else resource)
    if decision.decision != ALLOWED:
        self._raise_access_denied()


def _trust_signature(self: IAMRequestBase) -> None:
    """The signature is not recomputed (see the module docstring)."""
    return None


def install(time: WorldTime) -> None:
    """World keys pass unchecked; IAM's action names; unknown resources as the docstring says."""
    patching.patch(IAMRequestBase, "check_signature", _trust_signature)
    patching.wrap(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", _authenticate)
    patching.wrap(IAMRequestBase, "__init__", _named_as_iam)
    patching.patch(IAMRequestBase, "check_action_permitted", check_action_permitted)


def tick(time: WorldTime, now: datetime) -> None:
    """Policies are read at each call: nothing moves with time."""
    return None
