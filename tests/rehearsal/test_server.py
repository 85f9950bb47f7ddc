"""The rehearsal endpoint: loopback only, real boto3 round trips, stops cleanly."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest

from tui.rehearsal.server import MotoServer


def test_the_same_boto3_call_works_in_process_and_over_the_server(aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]] == [vpc]


def test_each_test_gets_a_fresh_world(aws) -> None:
    assert aws.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_server_binds_loopback_only_and_frees_its_port() -> None:
    server = MotoServer()
    url = urlparse(server.start())
    try:
        assert url.hostname == "127.0.0.1"
        with socket.create_connection((url.hostname, url.port), timeout=2):
            pass
    finally:
        server.stop()
    with pytest.raises(OSError):
        socket.create_connection((url.hostname, url.port), timeout=2)
