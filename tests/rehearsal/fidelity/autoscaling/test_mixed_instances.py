"""A Spot / On-Demand group runs its desired capacity, as on AWS, not what moto's rounding left."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rehearsal.fidelity.asg_world import build_web_tier


def _mixed_group(aws: Any, desired: int, weight: str | None = None) -> Any:
    """`batch` as the world seeds `batch-asg`: base 1 On-Demand, 25 % On-Demand above it."""
    tier = build_web_tier(aws, capacity=1)
    overrides = [{"InstanceType": t} for t in ("t3.small", "t3a.small", "m5.large")]
    if weight:
        overrides = [{**o, "WeightedCapacity": weight} for o in overrides]
    tier.asg.create_auto_scaling_group(
        AutoScalingGroupName="batch",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {
                    "LaunchTemplateId": tier.template_id,
                    "Version": "1",
                },
                "Overrides": overrides,
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 1,
                "OnDemandPercentageAboveBaseCapacity": 25,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        MinSize=0,
        MaxSize=12,
        DesiredCapacity=desired,
        AvailabilityZones=["us-east-1a", "us-east-1b"],
    )
    return tier.asg


def _running(asg: Any) -> int:
    [group] = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["batch"])["AutoScalingGroups"]
    return len(group["Instances"])


@pytest.mark.parametrize("desired", [4, 5, 7])
def test_a_mixed_group_runs_its_desired_capacity(aws: Any, desired: int) -> None:
    asg = _mixed_group(aws, desired)
    assert _running(asg) == desired


def test_scaling_a_mixed_group_out_and_in_follows_the_desired_capacity(aws: Any) -> None:
    asg = _mixed_group(aws, 4)
    asg.set_desired_capacity(AutoScalingGroupName="batch", DesiredCapacity=6)
    assert _running(asg) == 6
    asg.set_desired_capacity(AutoScalingGroupName="batch", DesiredCapacity=2)
    assert _running(asg) == 2
