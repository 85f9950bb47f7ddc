"""Instance refresh for moto: Start/Describe/Cancel/RollbackInstanceRefresh as real API calls.

moto 5.2.5 has none of the four operations (NotImplementedError in process, an HTTP 500 over the
server). This extension adds them to moto's Auto Scaling response class. The work is split:
`refresh_machine` decides how a refresh moves (pure); `refresh_port` carries that out on moto and
keeps refreshes on their Auto Scaling backend (so a moto reset forgets them);
`refresh_operations` validates requests as AWS does and answers in botocore's shapes.

Before any Auto Scaling, ELBv2 or EC2 request is answered, every refresh is caught up to the
world's clock under `fidelity.lock()`: a caller sees what AWS would show at that moment, however
rarely it asks. Errors are AWS's documented codes: `InstanceRefreshInProgress`,
`ActiveInstanceRefreshNotFound`, `IrreversibleInstanceRefresh`, `ValidationError`.

World knob: `refreshes(group_name)` returns the machine's `Refresh` records for inspection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.autoscaling import models as asg_models
from moto.autoscaling.responses import AutoScalingResponse
from moto.ec2.responses import EC2Response
from moto.elbv2.responses import ELBV2Response

from tui.rehearsal import fidelity
from tui.rehearsal.fidelity import world_backends
from tui.rehearsal.fidelity.autoscaling import refresh_operations
from tui.rehearsal.fidelity.autoscaling.refresh_machine import Refresh
from tui.rehearsal.fidelity.autoscaling.refresh_port import catch_up, tracked_in

_installed = False


def install() -> None:
    """Add the four operations and the catch-up before answering. Idempotent."""
    global _installed
    if _installed:
        return
    _installed = True
    AutoScalingResponse.start_instance_refresh = refresh_operations.start_instance_refresh
    AutoScalingResponse.describe_instance_refreshes = refresh_operations.describe_instance_refreshes
    AutoScalingResponse.cancel_instance_refresh = refresh_operations.cancel_instance_refresh
    AutoScalingResponse.rollback_instance_refresh = refresh_operations.rollback_instance_refresh
    for response_class in (AutoScalingResponse, ELBV2Response, EC2Response):
        _catch_up_before_answering(response_class)


def tick(now: datetime) -> None:
    """Advance every refresh in the world to `now`."""
    for backend in world_backends.each(asg_models.autoscaling_backends):
        catch_up(backend, now)


def refreshes(group_name: str) -> list[Refresh]:
    """Every refresh of `group_name` anywhere in the world, oldest first (for the simulator)."""
    found = []
    for backend in world_backends.each(asg_models.autoscaling_backends):
        found.extend(t.refresh for t in tracked_in(backend).get(group_name, []))
    return found


def _catch_up_before_answering(response_class: type) -> None:
    if "call_action" in response_class.__dict__:
        original = response_class.call_action
    else:
        # Inherited: look it up at call time, so later patches of the base class (throttling)
        # still run; capturing BaseResponse.call_action now would bypass them.
        def original(self: Any) -> Any:
            return super(response_class, self).call_action()

    def call_action(self: Any) -> Any:
        with fidelity.lock():
            now = fidelity.now()
            for backend in world_backends.each(asg_models.autoscaling_backends):
                catch_up(backend, now)
            return original(self)

    call_action.__wrapped__ = original  # type: ignore[attr-defined]
    response_class.call_action = call_action
