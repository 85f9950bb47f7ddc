"""Auto Scaling drivers: `autoscaling.instance_refresh` (see instance_refresh.py) and
`autoscaling.update_group` (sizes, launch template, mixed-instances policy / Spot distribution)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions import group_config
from tui.aws.actions.base import Driver
from tui.aws.actions.instance_refresh import InstanceRefreshDriver
from tui.aws.calls import call
from tui.aws.protocol import Progress

_SIZES = {"min_size": "MinSize", "max_size": "MaxSize", "desired_capacity": "DesiredCapacity"}
_DISTRIBUTION = {
    "on_demand_base_capacity": "OnDemandBaseCapacity",
    "on_demand_percentage_above_base": "OnDemandPercentageAboveBaseCapacity",
    "spot_allocation_strategy": "SpotAllocationStrategy",
}
_MIXED = (*_DISTRIBUTION, "instance_types")


class UpdateGroupDriver(Driver):
    """UpdateAutoScalingGroup with the step's changes; undo puts back what it changed.

    Only what the step names is changed, and only that is put back: restoring a desired capacity
    the step never touched would undo whatever scaling happened since.
    """

    @property
    def group(self) -> str:
        """The Auto Scaling group's name."""
        return str(self.args["group"])

    def _given(self, name: str) -> bool:
        return self.args.get(name) is not None

    @property
    def _changes_template(self) -> bool:
        return self._given("launch_template") or any(self._given(n) for n in _MIXED)

    def capture(self) -> dict[str, Any]:
        """The group's sizes, launch template and mixed-instances policy."""
        group = self.ctx.resolve.auto_scaling_group(self.group)
        return {
            "group": self.group,
            "min_size": group["MinSize"],
            "max_size": group["MaxSize"],
            "desired_capacity": group["DesiredCapacity"],
            **group_config.record(group),
        }

    def request(self, group: Mapping[str, Any]) -> dict[str, Any]:
        """UpdateAutoScalingGroup's parameters for this step on the group as it is now."""
        a = self.args
        params: dict[str, Any] = {"AutoScalingGroupName": self.group}
        params.update({key: int(a[name]) for name, key in _SIZES.items() if self._given(name)})
        spec = (
            {"LaunchTemplateName": str(a["launch_template"]), "Version": str(a["version"])}
            if self._given("launch_template")
            else None
        )
        policy = group.get("MixedInstancesPolicy")
        mixed = any(self._given(n) for n in _MIXED)
        if mixed or (policy and spec):
            # A group on a plain launch template becomes a mixed-instances group around it.
            base = policy or {
                "LaunchTemplate": {
                    "LaunchTemplateSpecification": group_config.template_spec(dict(group))
                }
            }
            new = group_config.policy_parameter(base, spec)
            if self._given("instance_types"):
                new["LaunchTemplate"]["Overrides"] = [
                    {"InstanceType": t} for t in a["instance_types"]
                ]
            distribution = new.setdefault("InstancesDistribution", {})
            for name, key in _DISTRIBUTION.items():
                if self._given(name):
                    distribution[key] = a[name]
            params["MixedInstancesPolicy"] = new
        elif spec:
            params["LaunchTemplate"] = spec
        return params

    def start(self) -> Progress:
        """UpdateAutoScalingGroup; done at once."""
        autoscaling = self.client("autoscaling")
        group = self.ctx.resolve.auto_scaling_group(self.group)
        call(autoscaling, "update_auto_scaling_group", self.group, **self.request(group))
        return self.poll()

    def poll(self) -> Progress:
        """The group as it is now (the change is made by the one call)."""
        group = self.ctx.resolve.auto_scaling_group(self.group)
        return Progress("done", _describe(group), 100.0, {"group": _detail(group)})

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """Whether the group already shows every change the step makes."""
        group = self.ctx.resolve.auto_scaling_group(self.group)
        if any(group[key] != int(self.args[n]) for n, key in _SIZES.items() if self._given(n)):
            return False
        spec = group_config.template_spec(group) or {}
        if self._given("launch_template") and (
            spec.get("LaunchTemplateName") != self.args["launch_template"]
            or spec.get("Version") != str(self.args["version"])
        ):
            return False
        policy = group.get("MixedInstancesPolicy") or {}
        distribution = policy.get("InstancesDistribution") or {}
        if any(
            distribution.get(key) != self.args[n]
            for n, key in _DISTRIBUTION.items()
            if self._given(n)
        ):
            return False
        if self._given("instance_types"):
            types = [
                o.get("InstanceType") for o in policy.get("LaunchTemplate", {}).get("Overrides", [])
            ]
            return types == list(self.args["instance_types"])
        return True

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        """UpdateAutoScalingGroup back to the recorded values of what the step changed."""
        params: dict[str, Any] = {"AutoScalingGroupName": self.group}
        params.update({key: captured[n] for n, key in _SIZES.items() if self._given(n)})
        if self._changes_template:
            params.update(group_config.configuration_parameter(dict(captured)))
        autoscaling = self.client("autoscaling")
        call(autoscaling, "update_auto_scaling_group", self.group, **params)
        group = self.ctx.resolve.auto_scaling_group(self.group)
        self.undo_progress = Progress(
            "done", f"Put back: {_describe(group)}", 100.0, {"group": _detail(group)}
        )
        return self.undo_progress


def _detail(group: Mapping[str, Any]) -> dict[str, Any]:
    policy = group.get("MixedInstancesPolicy") or {}
    return {
        "name": group["AutoScalingGroupName"],
        "min_size": group["MinSize"],
        "max_size": group["MaxSize"],
        "desired_capacity": group["DesiredCapacity"],
        "launch_template": group_config.template_spec(dict(group)),
        "instance_types": [
            o.get("InstanceType") for o in policy.get("LaunchTemplate", {}).get("Overrides", [])
        ],
        "distribution": dict(policy.get("InstancesDistribution") or {}),
    }


def _describe(group: Mapping[str, Any]) -> str:
    detail = _detail(group)
    spec = detail["launch_template"] or {}
    text = (
        f"{detail['name']}: min {detail['min_size']}, max {detail['max_size']}, desired "
        f"{detail['desired_capacity']}; {spec.get('LaunchTemplateName')} version "
        f"{spec.get('Version')}"
    )
    dist = detail["distribution"]
    if dist:
        text += (
            f"; On-Demand base {dist.get('OnDemandBaseCapacity', 0)}, "
            f"{dist.get('OnDemandPercentageAboveBaseCapacity', 100)} % above, Spot "
            f"{dist.get('SpotAllocationStrategy', '-')} on {', '.join(detail['instance_types'])}"
        )
    return text


DRIVERS = {
    "autoscaling.instance_refresh": InstanceRefreshDriver,
    "autoscaling.update_group": UpdateGroupDriver,
}
