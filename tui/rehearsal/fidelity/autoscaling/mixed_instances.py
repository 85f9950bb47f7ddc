"""A mixed-instances group (Spot and On-Demand) runs its whole desired capacity.

moto 5.2.5 splits a mixed group's capacity into On-Demand and Spot shares and rounds each one
down on its own, so a fraction is lost on both sides: `batch-asg` (desired 4, On-Demand base 1,
25 % On-Demand above the base) ran 3 instances, 0.75 On-Demand and 2.25 Spot rounded to 0 and 2.
AWS launches the desired capacity, the fractions going to one purchase option or the other. Here,
after moto's own sizing, a group whose overrides all weigh 1 (weighted capacities are left to
moto) is topped up to its desired capacity, through the same launch path as every ASG launch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.autoscaling import models as asg_models

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime


def install(time: WorldTime) -> None:
    """Patch moto's group sizing."""
    patching.wrap(asg_models.FakeAutoScalingGroup, "set_desired_capacity", _topped_up)


def _topped_up(original: Any) -> Any:
    def set_desired_capacity(self: Any, new_capacity: int | None) -> None:
        original(self, new_capacity)
        missing = (self.desired_capacity or 0) - len(self.active_instances())
        if missing > 0 and _unit_weighted_mix(self):
            self.replace_autoscaling_group_instances(missing, self.get_propagated_tags())
            if self.name in self.autoscaling_backend.autoscaling_groups:
                self.autoscaling_backend.update_attached_elbs(self.name)
                self.autoscaling_backend.update_attached_target_groups(self.name)

    return set_desired_capacity


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing moves on its own here: groups are sized when their capacity is set."""


def _unit_weighted_mix(group: Any) -> bool:
    """Whether `group` has a mixed-instances policy whose every override counts as one."""
    policy = group.mixed_instances_policy or {}
    overrides = policy.get("LaunchTemplate", {}).get("Overrides", [])
    return bool(overrides) and all(str(o.get("WeightedCapacity", "1")) == "1" for o in overrides)
