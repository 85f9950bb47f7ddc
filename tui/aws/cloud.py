"""`AwsCloud`: the engine's `Cloud` over boto3, for one account and region.

Drivers are found, not listed: every module of `tui.aws.actions` ends with a `DRIVERS` dict
(action name -> driver class), and `driver(step)` looks the step's action up in all of them, so
a new service's module lands on its own without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tui.aws import actions
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.metrics import fetch_series
from tui.aws.protocol import (
    ActionDriver,
    Identity,
    PreflightCheck,
    Reading,
    Series,
    SeriesRequest,
)
from tui.aws.readings import read_condition
from tui.runbook.model import Condition, Runbook, Step

_DRIVERS: dict[str, Any] | None = None


def driver_classes() -> dict[str, Any]:
    """Every driver class of `tui.aws.actions`, by action name (imported once)."""
    global _DRIVERS
    if _DRIVERS is None:
        found: dict[str, Any] = {}
        for info in pkgutil.iter_modules(actions.__path__, f"{actions.__name__}."):
            module = importlib.import_module(info.name)
            for name, cls in getattr(module, "DRIVERS", {}).items():
                if name in found:
                    raise RuntimeError(f"two drivers for {name}: {found[name]} and {cls}")
                found[name] = cls
        _DRIVERS = found
    return _DRIVERS


class AwsCloud:
    """AWS for one session; every call goes through `ctx.clients` (and so to its recorder)."""

    def __init__(self, ctx: AwsContext) -> None:
        self.ctx = ctx

    def identity(self) -> Identity:
        """STS GetCallerIdentity, and the region calls go to."""
        who = call(self.ctx.clients.client("sts"), "get_caller_identity", "the credentials")
        # Not-found errors name the account from now on (where turnout looked).
        self.ctx.resolve.account = who["Account"]
        return Identity(
            account=who["Account"],
            arn=who["Arn"],
            region=self.ctx.clients.region_name,
            via=self.ctx.clients.described(),
        )

    def driver(self, step: Step) -> ActionDriver:
        """A new driver for the step's action; KeyError if no module of tui.aws.actions has one."""
        return driver_classes()[step.action](self.ctx, step)

    def fetch(self, requests: Sequence[SeriesRequest], now: datetime) -> dict[str, Series]:
        """Every series of one poll, ceil(queries/500) GetMetricData calls (see metrics.py)."""
        cloudwatch = self.ctx.clients.client("cloudwatch")
        return fetch_series(cloudwatch, self.ctx.resolve, requests, now)

    def read(self, condition: Condition) -> Reading:
        """The current value of a route53_ttl, blue_green_status, db_instance_status or
        healthy_targets condition (see readings.py)."""
        return read_condition(self.ctx.clients, self.ctx.resolve, condition)

    def preflight(self, runbook: Runbook, identity: Identity) -> list[PreflightCheck]:
        """Every preflight check for `identity` (see preflight.py)."""
        from tui.aws.preflight import run_preflight

        return run_preflight(self.ctx, runbook, identity)

    def renew_credentials(self) -> None:
        """The next call reads the credential chain afresh (see `ClientFactory.renew`)."""
        self.ctx.clients.renew()
