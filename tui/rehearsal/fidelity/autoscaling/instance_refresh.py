"""Instance refresh for moto: Start/Describe/Cancel/RollbackInstanceRefresh as real API calls.

moto 5.2.5 has none of the four operations (NotImplementedError in process, an HTTP 500 over the
server). This extension adds them to moto's Auto Scaling response class. The work is split:
`refresh_machine` decides how a refresh moves (pure); `refresh_port` carries that out on moto and
keeps refreshes on their Auto Scaling backend (so a moto reset forgets them);
`refresh_operations` validates requests as AWS does and answers in botocore's shapes.

Before any Auto Scaling, ELBv2 or EC2 request is answered, every refresh is caught up to the
world's clock under the world's lock, with the group health checks that replace unhealthy
instances in between (`group_clock`, `health_replacement`): a caller sees what AWS would show at
that moment, however rarely it asks. Errors are AWS's documented codes: `InstanceRefreshInProgress`,
`ActiveInstanceRefreshNotFound`, `IrreversibleInstanceRefresh`, `ValidationError`.

World knob: `refreshes(group_name)` returns the machine's `Refresh` records for inspection.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from moto.autoscaling import models as asg_models
from moto.autoscaling.responses import AutoScalingResponse
from moto.ec2.responses import EC2Response
from moto.elbv2.responses import ELBV2Response

from tui.rehearsal.fidelity import patching, world_backends
from tui.rehearsal.fidelity.autoscaling import group_clock, refresh_operations
from tui.rehearsal.fidelity.autoscaling.refresh_port import tracked_in
from tui.rehearsal.fidelity.autoscaling.refresh_records import Refresh
from tui.rehearsal.fidelity.world_time import WorldTime

_OPERATIONS = (
    "start_instance_refresh",
    "describe_instance_refreshes",
    "cancel_instance_refresh",
    "rollback_instance_refresh",
)


def install(time: WorldTime) -> None:
    """Add the four operations and the catch-up before answering."""
    for name in _OPERATIONS:
        patching.patch(AutoScalingResponse, name, time.bound(getattr(refresh_operations, name)))
    # Target health and EC2 instance states depend on how far a refresh has got, so ELBv2 and
    # EC2 answers catch refreshes up too.
    for response_class in (AutoScalingResponse, ELBV2Response, EC2Response):
        patching.wrap(response_class, "call_action", functools.partial(_catching_up, time))


def tick(time: WorldTime, now: datetime) -> None:
    """Advance every refresh in the world to `now`, with the health checks due meanwhile."""
    for backend in world_backends.each(asg_models.autoscaling_backends):
        group_clock.catch_up(time, backend, now)


def refreshes(group_name: str) -> list[Refresh]:
    """Every refresh of `group_name` anywhere in the world, oldest first (for the simulator)."""
    found = []
    for backend in world_backends.each(asg_models.autoscaling_backends):
        found.extend(t.refresh for t in tracked_in(backend).get(group_name, []))
    return found


def _catching_up(time: WorldTime, original: Any) -> Any:
    """`call_action` that catches every refresh up to the world's clock, then answers."""

    def call_action(self: Any) -> Any:
        with time.lock:
            now = time.now()
            for backend in world_backends.each(asg_models.autoscaling_backends):
                group_clock.catch_up(time, backend, now)
            return original(self)

    return call_action
