"""moto made to tell the truth about what our runbooks touch.

Each module in this package, grouped by AWS service in subpackages (`autoscaling/`,
`cloudwatch/`, `ec2/`, `ecs/`, `elbv2/`, `iam/`, `rds/`, `route53/`; cross-cutting ones at the top),
adds one thing moto lacks or gets wrong (instance refresh, metric math, ...) by patching moto's
backend and response classes, so the boto3 call stays a real round trip, in-process under
`mock_aws` and over `ThreadedMotoServer` alike. A module is an extension when it defines:

- `install(time: WorldTime) -> None`: patch moto through `patching`, which makes a second
  install stack nothing; the patches read the world's time from `time`;
- `tick(time: WorldTime, now: datetime) -> None`: bring that extension's state up to `now`
  (refresh batches, alarm evaluation, rollouts). Handlers also catch up before they answer, so
  what a caller sees depends on the world's clock, never on how often it asks.

Extensions are listed in `extensions.py`; they must not depend on each other's install order.
Time is a `WorldTime` (`world_time.py`) made from the world's `Clock` by whoever installs the
extensions and passed to them; there is no clock or lock of the package's own. moto's backends
stay one per process, so the last install's time is the one the patches read.
"""

from __future__ import annotations

from types import ModuleType

from tui.aws.clients import share_loader_with_every_session
from tui.rehearsal.fidelity.world_time import WorldTime

# Before any extension imports moto: moto's own botocore Sessions (some made as `moto.ec2` is
# imported) read service models through the process's one loader, not each through its own.
share_loader_with_every_session()

__all__ = ["WorldTime", "install", "tick"]


def install(time: WorldTime) -> None:
    """Patch moto with every extension, reading the world's time from `time`. Idempotent."""
    for module in _extensions():
        module.install(time)


def tick(time: WorldTime) -> None:
    """Advance every extension to the world's current time (the simulator calls this)."""
    current = time.now()
    with time.lock:
        for module in _extensions():
            module.tick(time, current)


def _extensions() -> tuple[ModuleType, ...]:
    # Imported when first used: importing the extensions imports this package first.
    from tui.rehearsal.fidelity.extensions import EXTENSIONS

    return EXTENSIONS
