"""Route 53 changes propagate on the world's clock, checked against the Route 53 API Reference.

Documented behaviour checked (API Reference, GetChange and ChangeInfo; Route 53 FAQs, "How quickly
will changes I make to my DNS settings on Amazon Route 53 propagate globally?"):

- GetChange: "PENDING indicates that the changes in this request have not propagated to all
  Amazon Route 53 DNS servers managing the hosted zone. This is the initial status of all change
  batch requests. INSYNC indicates that the changes have propagated to all Route 53 DNS servers
  managing the hosted zone."
- FAQs: "Amazon Route 53 is designed to propagate updates you make to your DNS records to its
  world-wide network of authoritative DNS servers within 60 seconds under normal conditions. A
  change is successfully propagated world-wide when the API call returns an INSYNC status".
- ChangeInfo.SubmittedAt: "The date and time that the change request was submitted".
- GetChange errors: NoSuchChange, "A change with the specified change ID does not exist."
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.route53 import change_status

ZONE = "shop.example.com."
RECORD = "app.shop.example.com."


def _zone(route53: Any) -> str:
    return route53.create_hosted_zone(Name=ZONE, CallerReference="test")["HostedZone"]["Id"]


def _weigh(route53: Any, zone: str, blue: int, green: int, comment: str = "canary") -> dict:
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {
                "Name": RECORD,
                "Type": "CNAME",
                "SetIdentifier": name,
                "Weight": weight,
                "TTL": 5,
                "ResourceRecords": [{"Value": f"{name}.shop.example.com"}],
            },
        }
        for name, weight in (("blue", blue), ("green", green))
    ]
    return route53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Comment": comment, "Changes": changes}
    )["ChangeInfo"]


@pytest.fixture(autouse=True)
def _default_propagation(aws: Any):
    yield
    change_status.set_propagation_seconds(aws.time, change_status.PROPAGATION_SECONDS)


def test_a_change_is_pending_until_it_has_propagated_then_insync(aws: Any) -> None:
    route53 = aws.client("route53")
    zone = _zone(route53)
    submitted = aws.clock.now()
    info = _weigh(route53, zone, 90, 10)
    assert info["Status"] == "PENDING"
    assert info["SubmittedAt"] == submitted
    assert info["Comment"] == "canary"

    aws.clock.advance(59)
    pending = route53.get_change(Id=info["Id"])["ChangeInfo"]
    assert pending["Status"] == "PENDING"
    assert pending["SubmittedAt"] == submitted  # the submission's time, not the question's

    aws.clock.advance(1)
    assert route53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "INSYNC"
    aws.clock.advance(3600)
    insync = route53.get_change(Id=info["Id"])["ChangeInfo"]
    assert (insync["Status"], insync["SubmittedAt"]) == ("INSYNC", submitted)


def test_the_records_change_at_once_while_the_change_is_pending(aws: Any) -> None:
    route53 = aws.client("route53")
    zone = _zone(route53)
    _weigh(route53, zone, 90, 10)
    records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    assert {r["SetIdentifier"]: r["Weight"] for r in records if "Weight" in r} == {
        "blue": 90,
        "green": 10,
    }


def test_each_change_has_its_own_id_and_status(aws: Any) -> None:
    route53 = aws.client("route53")
    zone = _zone(route53)
    first = _weigh(route53, zone, 90, 10)
    aws.clock.advance(45)
    second = _weigh(route53, zone, 50, 50)
    assert first["Id"] != second["Id"]
    aws.clock.advance(15)
    assert route53.get_change(Id=first["Id"])["ChangeInfo"]["Status"] == "INSYNC"
    assert route53.get_change(Id=second["Id"])["ChangeInfo"]["Status"] == "PENDING"


def test_an_unknown_change_id_is_no_such_change(aws: Any) -> None:
    with pytest.raises(ClientError) as caught:
        aws.client("route53").get_change(Id="/change/C0000000000000NOTREAL")
    assert caught.value.response["Error"]["Code"] == "NoSuchChange"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_refused_batch_makes_no_change_to_follow(aws: Any) -> None:
    route53 = aws.client("route53")
    zone = _zone(route53)
    with pytest.raises(ClientError):
        _weigh(route53, zone, 256, 0)
    assert route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"][2:] == []


def test_the_world_sets_how_long_propagation_takes(aws: Any) -> None:
    route53 = aws.client("route53")
    change_status.set_propagation_seconds(aws.time, 300)
    info = _weigh(route53, _zone(route53), 90, 10)
    aws.clock.advance(299)
    assert route53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "PENDING"
    aws.clock.advance(1)
    assert route53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "INSYNC"
