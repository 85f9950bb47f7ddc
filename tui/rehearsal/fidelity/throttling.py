"""API throttling as AWS does it: a share of a service's calls answered with its throttling error.

moto never throttles. The throttling scenario turns this on for a service, and the SDK's retries
(adaptive mode) then have something real to survive. Calls that carry the world simulator's
user agent are spared, so the world keeps moving while the operator's tools are throttled.

The share is of the requests the service receives, each drawn on its own: a caller whose SDK
retries sees a call fail only when every attempt is throttled (share ** attempts: a quarter of
the calls at 0.5 with one retry). The draws come from one seeded generator, started again by
`clear()` (which every world's stop calls), so a scenario throttles the same requests each run.
"""

from __future__ import annotations

import random
import threading
import warnings
from datetime import datetime
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import BaseResponse

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.aws_errors import error_answer
from tui.rehearsal.fidelity.world_time import WorldTime

# Each service's own throttling error code, as its API documents it.
ERROR_CODES = {
    "ec2": "RequestLimitExceeded",
    "ecs": "ThrottlingException",
    "logs": "ThrottlingException",
}
DEFAULT_CODE = "Throttling"  # Query-protocol services: autoscaling, elbv2, rds, cloudwatch, ...
SPARED_USER_AGENT = "turnout-world-simulator"
SEED = 42

_rates: dict[str, float] = {}
_rng = random.Random(SEED)
_lock = threading.Lock()


class _Throttled(ServiceException):
    """AWS's throttling answer: HTTP 400 with the service's code, which the SDKs retry."""

    def __init__(self, code: str) -> None:
        super().__init__(code, "Rate exceeded")


def set_throttling(service: str, share: float) -> None:
    """Throttle `share` (0–1) of the calls to `service` (a boto3 service name); 0 stops it."""
    if not 0 <= share <= 1:
        raise ValueError("share must be between 0 and 1")
    with _lock:
        if share:
            _rates[service] = share
        else:
            _rates.pop(service, None)


def clear() -> None:
    """Stop throttling every service, and start the draws again from the seed."""
    with _lock:
        _rates.clear()
        _rng.seed(SEED)


def _should_throttle(response: BaseResponse) -> str | None:
    service = response.service_name
    with _lock:
        share = _rates.get(service or "", 0.0)
        hit = share > 0 and _rng.random() < share
    if not hit:
        return None
    agent = response.headers.get("User-Agent", "") if response.headers else ""
    if SPARED_USER_AGENT in agent:
        return None
    return ERROR_CODES.get(service or "", DEFAULT_CODE)


def _throttled(original: Any) -> Any:
    """moto's `call_action`, answering with the service's throttling error when it is due."""

    def call_action(self: BaseResponse):  # type: ignore[no-untyped-def]
        code = _should_throttle(self)
        if code is None:
            return original(self)
        return error_answer(self, _Throttled(code))

    return call_action


def install(time: WorldTime) -> None:
    """Route every moto action through the throttle check."""
    # Throttling codes are not in the services' error models (AWS sends them from its front
    # door, not the service), and moto warns of that on every throttled call. Set on every
    # install: test runners reset warning filters between tests.
    warnings.filterwarnings("ignore", message=r"Exception\(_Throttled\)", category=UserWarning)
    patching.wrap(BaseResponse, "call_action", _throttled)


def tick(time: WorldTime, now: datetime) -> None:
    """Throttling has no time-driven state."""
    return None
