"""AwsCloud: identity, drivers found in tui/aws/actions, and the non-metric readings."""

from __future__ import annotations

import pytest

from tests.aws.conftest import runbook_with, step
from tui.aws.actions import elbv2, http, route53
from tui.aws.cloud import AwsCloud, driver_classes
from tui.aws.protocol import CloudError
from tui.rehearsal import names
from tui.runbook import load_runbook
from tui.runbook.actions import CATALOGUE


@pytest.fixture
def cloud(ctx) -> AwsCloud:
    return AwsCloud(ctx)


def test_identity_is_the_account_and_region_calls_go_to(cloud, recorder):
    who = cloud.identity()
    assert (who.account, who.region) == (names.ACCOUNT, names.REGION)
    assert who.arn.startswith("arn:aws:")
    assert recorder.operations() == ["sts.GetCallerIdentity"]


def test_drivers_are_found_in_every_actions_module(cloud):
    assert isinstance(
        cloud.driver(step("elbv2.set_weights", load_balancer="web-alb", weights={"web-blue": 100})),
        elbv2.SetWeights,
    )
    assert isinstance(
        cloud.driver(
            step(
                "route53.set_weights",
                zone="shop.example.com.",
                record="app.shop.example.com",
                weights={"blue": 100},
            )
        ),
        route53.SetWeights,
    )
    assert isinstance(cloud.driver(step("http.probe", url="http://x.test/")), http.Probe)
    mine = {name for name in CATALOGUE if name.split(".")[0] in ("elbv2", "route53", "http")}
    assert mine <= set(driver_classes())
    assert set(driver_classes()) <= set(CATALOGUE)  # nothing outside the catalogue


def test_an_action_without_a_driver_is_a_key_error(cloud):
    with pytest.raises(KeyError):
        cloud.driver(runbook_with({"action": "wait", "with": {"duration": "1m"}}).steps[0])


def conditions(path: str, step_id: str):
    return {c.label: c for c in load_runbook(path).step(step_id).preconditions}


def test_the_shipped_preconditions_read_the_world(cloud, recorder):
    rds = conditions("runbooks/rds-blue-green.yaml", "switchover")
    readings = {
        label: cloud.read(c) for label, c in rds.items() if c.kind not in ("metric", "expr")
    }
    by_kind = {rds[label].kind: r for label, r in readings.items()}
    assert by_kind["blue_green_status"].value == "AVAILABLE"
    assert by_kind["blue_green_status"].text == "Blue/Green deployment orders-bgd is AVAILABLE"
    assert by_kind["db_instance_status"].value == "available"
    assert by_kind["route53_ttl"].value == 5
    assert by_kind["route53_ttl"].text.startswith("TTL of db.shop.example.com. is 5 s")

    [healthy] = conditions("runbooks/alb-canary.yaml", "canary").values()
    reading = cloud.read(healthy)
    assert reading.value == 2
    assert reading.text == "target group web-green has 2 healthy targets"

    dns = conditions("runbooks/route53-canary.yaml", "canary-5")
    [ttl] = dns.values()
    reading = cloud.read(ttl)
    assert reading.value == 5
    assert "(blue, green)" in reading.text


def test_the_ttl_reading_follows_the_record(world, cloud):
    [ttl] = conditions("runbooks/route53-canary.yaml", "canary-5").values()
    route53 = world.clients.client("route53")
    zone = world.seeded["hosted_zone"]
    record = {
        "Name": names.APP_RECORD,
        "Type": "A",
        "SetIdentifier": "green",
        "Weight": 0,
        "TTL": 300,
        "ResourceRecords": [{"Value": "10.0.2.10"}],
    }

    def upsert(ttl_seconds: int) -> None:
        route53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    {"Action": "UPSERT", "ResourceRecordSet": record | {"TTL": ttl_seconds}}
                ]
            },
        )

    upsert(300)
    try:
        assert cloud.read(ttl).value == 300  # the longest a client may keep an old answer
    finally:
        upsert(5)
    assert cloud.read(ttl).value == 5


def test_reading_an_unknown_resource_names_it(cloud):
    text = """
runbook: r
title: r
target: {account: "123456789012", region: us-east-1}
steps:
  - id: s
    action: wait
    with: {duration: 1m}
    preconditions:
      - {name: db, db_instance_status: orders-dbx, is: available}
      - {name: bgd, blue_green_status: orders-bgdx, is: AVAILABLE}
      - {name: tg, healthy_targets: web-gren, min: 1}
      - {name: ttl, route53_ttl: {zone: shop.example.com., record: nope.shop.example.com}, max: 5}
"""
    from tui.runbook import load_text

    found = {c.label: c for c in load_text(text).steps[0].preconditions}
    expected = {
        "db": "no DB instance 'orders-dbx' in region us-east-1: check the name",
        "bgd": "no RDS Blue/Green deployment 'orders-bgdx' in region us-east-1: check the name",
        "tg": "no target group 'web-gren' in region us-east-1: check the name",
        "ttl": "no record 'nope.shop.example.com.' in the credentials' account: hosted zone "
        "shop.example.com. has none: check `record`",
    }
    for label, words in expected.items():
        with pytest.raises(CloudError) as caught:
            cloud.read(found[label])
        assert str(caught.value).startswith(words)
