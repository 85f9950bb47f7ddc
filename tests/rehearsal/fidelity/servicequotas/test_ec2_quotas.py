"""EC2's On-Demand vCPU quota in the world's Service Quotas (moto answers `vpc` only).

AWS (Service Quotas API Reference, GetServiceQuota): "Retrieves the applied quota value for the
specified account-level or resource-level quota"; an unknown quota is NoSuchResourceException.
EC2 User Guide, On-Demand Instance quotas: "Running On-Demand Standard (A, C, D, H, I, M, R, T,
Z) instances" is L-1216C47A, and "quotas are based on the number of virtual central processing
units (vCPUs)". Old code: GetServiceQuota(ServiceCode="ec2") was NoSuchResourceException."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.servicequotas import ec2_quotas


@pytest.fixture(autouse=True)
def _default_quotas():
    yield
    ec2_quotas.reset()


def test_the_standard_on_demand_quota_is_answered_in_vcpus(aws) -> None:
    quota = aws.client("service-quotas").get_service_quota(
        ServiceCode="ec2", QuotaCode="L-1216C47A"
    )["Quota"]
    assert quota["QuotaName"].startswith("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z)")
    assert quota["Value"] == ec2_quotas.DEFAULT_VCPUS and quota["Adjustable"] is True
    assert quota["UsageMetric"]["MetricDimensions"]["Resource"] == "vCPU"
    assert quota["QuotaArn"].endswith(":ec2/L-1216C47A")


def test_a_lowered_quota_is_what_the_world_answers(aws) -> None:
    ec2_quotas.set_value("L-1216C47A", 8)
    quota = aws.client("service-quotas").get_service_quota(
        ServiceCode="ec2", QuotaCode="L-1216C47A"
    )["Quota"]
    assert quota["Value"] == 8.0


def test_an_unknown_ec2_quota_and_moto_own_vpc_quotas_answer_as_before(aws) -> None:
    client = aws.client("service-quotas")
    with pytest.raises(ClientError) as refused:
        client.get_service_quota(ServiceCode="ec2", QuotaCode="L-00000000")
    assert refused.value.response["Error"]["Code"] == "NoSuchResourceException"
    vpc = client.list_aws_default_service_quotas(ServiceCode="vpc")["Quotas"]
    assert vpc  # moto's own table, untouched
