"""Weighted records' weights are refused outside 0–255, as the Route 53 API Reference says.

Documented behaviour checked (API Reference, ResourceRecordSet, Weight: "Valid Range: Minimum
value of 0. Maximum value of 255."; ChangeResourceRecordSets, Errors: "InvalidInput: The input
is not valid. HTTP Status Code: 400"; and "Route 53 validates the changes in the request and then
either makes all or none of the changes in the change batch request").
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.rehearsal.server import FAKE_CREDENTIALS


def _change(weight: int, name: str = "green") -> dict[str, Any]:
    return {
        "Action": "UPSERT",
        "ResourceRecordSet": {
            "Name": "app.shop.example.com.",
            "Type": "CNAME",
            "SetIdentifier": name,
            "Weight": weight,
            "TTL": 5,
            "ResourceRecords": [{"Value": f"{name}.shop.example.com"}],
        },
    }


def _unvalidated(aws: Any) -> Any:
    """A client that sends what it is given: botocore itself refuses a negative weight."""
    return boto3.session.Session(region_name="us-east-1", **FAKE_CREDENTIALS).client(
        "route53",
        endpoint_url=aws.endpoint_url,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )


@pytest.mark.parametrize(
    ("weight", "bound"), [(256, "less than or equal to 255"), (-1, "greater than or equal to 0")]
)
def test_a_weight_outside_0_to_255_is_invalid_input_and_nothing_changes(
    aws: Any, weight: int, bound: str
) -> None:
    route53 = _unvalidated(aws)
    zone = route53.create_hosted_zone(Name="shop.example.com.", CallerReference="test")[
        "HostedZone"
    ]["Id"]
    with pytest.raises(ClientError) as caught:
        route53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [_change(100, "blue"), _change(weight)]}
        )
    error = caught.value.response
    assert error["Error"]["Code"] == "InvalidInput"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"] == (
        f"1 validation error detected: Value '{weight}' at "
        "'changeBatch.changes.2.member.resourceRecordSet.weight' failed to satisfy constraint: "
        f"Member must have value {bound}"
    )
    records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    assert [r for r in records if "SetIdentifier" in r] == []  # blue, valid, was not made either


@pytest.mark.parametrize("weight", [0, 255])
def test_the_bounds_themselves_are_accepted(aws: Any, weight: int) -> None:
    route53 = aws.client("route53")
    zone = route53.create_hosted_zone(Name="shop.example.com.", CallerReference="test")[
        "HostedZone"
    ]["Id"]
    route53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": [_change(weight)]}
    )
