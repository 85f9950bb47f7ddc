"""Every timestamp moto stamps is the world's time: LaunchTime, SnapshotCreateTime, SubmittedAt,
an SNS message's Timestamp, an alarm's StateUpdatedTimestamp, and the HTTP `Date` header.

moto reads the wall clock (`moto.core.utils.utcnow`, which each service module imports by name),
while a rehearsal's world runs on its own clock, at 30x or on a test's `ManualClock`: three
minutes into a 30x world, an instance launched "now" said it was launched 83 minutes ago. This
extension puts the world's clock behind `utcnow` in moto's helpers and in every service module
of the backends the runbooks touch, and dates every answer with it.

The time is `WorldTime.event_now()`: what a catch-up step does (an instance launched by the third
batch of a refresh) is stamped with the moment it happened, not the moment someone looked.
"""

from __future__ import annotations

import functools
import importlib
from datetime import UTC, datetime
from typing import Any

from moto.core.responses import BaseResponse
from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.http import http_date

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime

# Where moto calls `utcnow()` for the services the runbooks touch. `moto.core.utils` serves the
# helpers every service uses (`iso_8601_datetime_with_milliseconds()`, `unix_time()`: the SNS
# Timestamp, ELB CreatedTime); the others imported `utcnow` by name, so each needs its own.
MODULES = (
    "moto.core.utils",
    "moto.autoscaling.models",
    "moto.cloudwatch.models",
    "moto.ec2.models.amis",
    "moto.ec2.models.elastic_block_store",
    "moto.ec2.models.instances",
    "moto.ec2.models.key_pairs",
    "moto.ec2.models.launch_templates",
    "moto.ec2.models.nat_gateways",
    "moto.ec2.models.vpcs",
    "moto.ec2.responses.general",
    "moto.ecs.models",
    "moto.rds.models",
    "moto.route53.responses",
    "moto.sns.models",
)


def naive_utc(time: WorldTime) -> datetime:
    """The world's event time as moto keeps times: naive, in UTC."""
    return time.event_now().astimezone(UTC).replace(tzinfo=None)


def _dated(time: WorldTime, original: Any) -> Any:
    """moto's `setup_class`, dating an in-process answer with the world's time (moto's own
    `Date`; over the server the HTTP handler dates it, see `_server_date`)."""

    @functools.wraps(original)
    def setup_class(self: BaseResponse, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        if not self.is_werkzeug_request:
            self.response_headers["date"] = _http_date(time)
        return result

    return setup_class


def _server_date(time: WorldTime, original: Any) -> Any:
    """The server's `Date` header (http.server sends one with every status line, from the wall
    clock, and moto adds none over the server) read on the world's clock."""

    @functools.wraps(original)
    def date_time_string(self: Any, timestamp: float | None = None) -> str:
        return original(self, timestamp) if timestamp is not None else _http_date(time)

    return date_time_string


def _http_date(time: WorldTime) -> str:
    return http_date(naive_utc(time).replace(tzinfo=UTC))


def install(time: WorldTime) -> None:
    """Put the world's clock behind moto's `utcnow` and its answers' `Date` header."""

    def utcnow() -> datetime:
        return naive_utc(time)

    for name in MODULES:
        patching.patch(importlib.import_module(name), "utcnow", utcnow)
    patching.wrap(BaseResponse, "setup_class", functools.partial(_dated, time))
    patching.wrap(MotoRequestHandler, "date_time_string", functools.partial(_server_date, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing to advance: timestamps are read as things happen."""
