"""Register AMIs with fixed ids in moto's EC2 backend.

Runbook params name AMIs by id, and ids from RegisterImage are random; so the world adds its two
images straight into the backend, where DescribeImages and RunInstances then find them as usual.
"""

from __future__ import annotations

from datetime import UTC, datetime

from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami


def register_fixed_image(
    account: str, region: str, ami_id: str, name: str, description: str
) -> None:
    """Make `ami_id` exist in `region` as an available x86_64 HVM image owned by `account`."""
    backend = ec2_backends[account][region]
    if ami_id in backend.amis:
        return
    backend.amis[ami_id] = Ami(
        backend,
        ami_id=ami_id,
        name=name,
        description=description,
        owner_id=account,
        virtualization_type="hvm",
        architecture="x86_64",
        root_device_type="ebs",
        root_device_name="/dev/xvda",
        creation_date=datetime(2026, 11, 1, tzinfo=UTC),
        region_name=region,
    )
