"""An Elastic IP that moves between instances, checked against the EC2 User Guide.

Documented behaviour checked (EC2 User Guide, "Public IPv4 addresses"): "We release the public
IP address for your instance when you associate an Elastic IP address with it. When you
disassociate the Elastic IP address from your instance, it receives a new public IP address."
and "If the public IP address of your instance in a VPC has been released, it will not receive
a new one if there is more than one network interface attached to your instance." Moving the
address (AssociateAddress with AllowReassociation) disassociates it from the old instance.
"""

from __future__ import annotations

from typing import Any

AMI = "ami-12c6146b"  # any id: moto does not check that the image exists


def _public_ip(ec2: Any, instance_id: str) -> str | None:
    found = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return found.get("PublicIpAddress")


def _launch(ec2: Any, subnet: str, public: bool) -> str:
    return ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": public}
        ],
    )["Instances"][0]["InstanceId"]


def _world(aws: Any) -> tuple[Any, str]:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    return ec2, subnet


def test_the_old_instance_gets_a_new_public_ip_when_the_address_moves(aws: Any) -> None:
    ec2, subnet = _world(aws)
    old, new = _launch(ec2, subnet, public=True), _launch(ec2, subnet, public=True)
    new_own_ip = _public_ip(ec2, new)
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(InstanceId=old, AllocationId=eip["AllocationId"])
    assert _public_ip(ec2, old) == eip["PublicIp"]

    ec2.associate_address(InstanceId=new, AllocationId=eip["AllocationId"], AllowReassociation=True)
    assert _public_ip(ec2, new) == eip["PublicIp"]  # its own public IP released for the EIP
    assert _public_ip(ec2, new) != new_own_ip
    moved_from = _public_ip(ec2, old)
    assert moved_from is not None and moved_from != eip["PublicIp"]  # a new auto-assigned one
    address = ec2.describe_addresses(AllocationIds=[eip["AllocationId"]])["Addresses"][0]
    assert address["InstanceId"] == new


def test_an_instance_launched_without_a_public_ip_is_left_with_none(aws: Any) -> None:
    ec2, subnet = _world(aws)
    old, new = _launch(ec2, subnet, public=False), _launch(ec2, subnet, public=False)
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(InstanceId=old, AllocationId=eip["AllocationId"])
    ec2.associate_address(InstanceId=new, AllocationId=eip["AllocationId"], AllowReassociation=True)
    assert _public_ip(ec2, old) is None
    assert _public_ip(ec2, new) == eip["PublicIp"]


def test_an_instance_with_a_second_interface_gets_no_new_public_ip(aws: Any) -> None:
    ec2, subnet = _world(aws)
    old, new = _launch(ec2, subnet, public=True), _launch(ec2, subnet, public=True)
    second = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    ec2.attach_network_interface(
        NetworkInterfaceId=second["NetworkInterfaceId"], InstanceId=old, DeviceIndex=1
    )
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(InstanceId=old, AllocationId=eip["AllocationId"])
    ec2.associate_address(InstanceId=new, AllocationId=eip["AllocationId"], AllowReassociation=True)
    assert _public_ip(ec2, old) is None
