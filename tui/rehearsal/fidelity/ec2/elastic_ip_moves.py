"""An Elastic IP moved to another instance leaves the old one, which gets a new public IP or none.

moto 5.2.5's AssociateAddress with AllowReassociation points the address at the new instance but
leaves the old instance's network interface holding it, so both report it as their
PublicIpAddress. AWS (EC2 User Guide, "Public IPv4 addresses" and "Elastic IP addresses"): "We
release the public IP address for your instance when you associate an Elastic IP address with
it. When you disassociate the Elastic IP address from your instance, it receives a new public IP
address." and "If the public IP address of your instance in a VPC has been released, it will not
receive a new one if there is more than one network interface attached to your instance."
Moving the address disassociates it from the old instance, so the old one is treated as
DisassociateAddress treats it (moto gets that right): the address is gone from it, and a running
instance launched with an auto-assigned public IP, on one network interface, gets a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime


def _released(eni: Any) -> None:
    """The network interface an Elastic IP left: no address, or a new auto-assigned one."""
    eni.public_ip = None
    instance = getattr(eni, "instance", None)
    if instance is None or instance._state.name != "running":
        return
    if len(instance.nics) == 1:  # a second interface: no new public IP, as AWS documents
        eni.check_auto_public_ip()


def _moving(original: Any) -> Any:
    def associate_address(
        self: Any,
        instance: Any = None,
        eni: Any = None,
        address: str | None = None,
        allocation_id: str | None = None,
        reassociate: bool = False,
    ) -> Any:
        found = (
            self.address_by_ip([address])
            if address
            else self.address_by_allocation([allocation_id])
            if allocation_id
            else []
        )
        before = found[0].eni if found else None
        eip = original(self, instance, eni, address, allocation_id, reassociate)
        if before is not None and before is not eip.eni:
            _released(before)
        return eip

    return associate_address


def install(time: WorldTime) -> None:
    """Release the old instance's hold on an Elastic IP that moves."""
    patching.wrap(ElasticAddressBackend, "associate_address", _moving)


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing to advance: an address moves when it is asked to."""
