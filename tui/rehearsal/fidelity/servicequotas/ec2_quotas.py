"""Service Quotas knows EC2's On-Demand vCPU quota, as AWS does.

moto's Service Quotas answers for `vpc` only: `GetServiceQuota(ServiceCode="ec2", ...)` is
NoSuchResourceException, so a preflight could never read the quota a refresh above desired
launches against. AWS (Service Quotas API Reference, GetServiceQuota): "Retrieves the applied
quota value for the specified account-level or resource-level quota"; EC2's "Running On-Demand
Standard (A, C, D, H, I, M, R, T, Z) instances" (L-1216C47A) is counted in vCPUs and is
adjustable. The world answers it with `VALUES` (what a team running this world's services
would have been granted; a test lowers it with `set_value`), and any other EC2 quota code as
AWS answers an unknown one: NoSuchResourceException.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime

STANDARD_ON_DEMAND = "L-1216C47A"
DEFAULT_VCPUS = 256.0
VALUES: dict[str, float] = {STANDARD_ON_DEMAND: DEFAULT_VCPUS}
_NAMES = {STANDARD_ON_DEMAND: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"}


def set_value(code: str, value: float) -> None:
    """The world's applied value of EC2 quota `code` (a test's lower quota)."""
    VALUES[code] = float(value)


def reset() -> None:
    """Every EC2 quota back to the world's default."""
    VALUES.clear()
    VALUES[STANDARD_ON_DEMAND] = DEFAULT_VCPUS


def _quota(backend: ServiceQuotasBackend, code: str) -> dict[str, Any]:
    region, account = backend.region_name, backend.account_id
    return {
        "ServiceCode": "ec2",
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaArn": f"arn:aws:servicequotas:{region}:{account}:ec2/{code}",
        "QuotaCode": code,
        "QuotaName": _NAMES[code],
        "Value": VALUES[code],
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Usage",
            "MetricName": "ResourceCount",
            "MetricDimensions": {
                "Class": "Standard/OnDemand",
                "Resource": "vCPU",
                "Service": "EC2",
                "Type": "Resource",
            },
            "MetricStatisticRecommendation": "Maximum",
        },
    }


def get_service_quota(self: ServiceQuotasBackend, service_code: str, quota_code: str) -> Any:
    if service_code != "ec2":
        return patching.original(ServiceQuotasBackend, "get_service_quota")(
            self, service_code, quota_code
        )
    if quota_code not in VALUES:
        raise NoSuchResource
    return _quota(self, quota_code)


def list_aws_default_service_quotas(self: ServiceQuotasBackend, service_code: str) -> Any:
    if service_code != "ec2":
        return patching.original(ServiceQuotasBackend, "list_aws_default_service_quotas")(
            self, service_code
        )
    return [_quota(self, code) for code in sorted(VALUES)]


def install(time: WorldTime) -> None:
    """Patch Service Quotas to answer EC2's quotas."""
    patching.patch(ServiceQuotasBackend, "get_service_quota", get_service_quota)
    patching.patch(
        ServiceQuotasBackend, "list_aws_default_service_quotas", list_aws_default_service_quotas
    )


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing moves with time."""
