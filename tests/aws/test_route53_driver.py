"""route53.set_weights against the world: the records' weights change at once, the step waits
(on the world's clock) until GetChange says INSYNC, and undo restores them and waits the same."""

from __future__ import annotations

import pytest

from tests.aws.conftest import declared, step
from tui.aws.actions.route53 import SetWeights
from tui.aws.protocol import CloudError
from tui.rehearsal import names


def records(world) -> dict[str, tuple[int, int]]:
    """`{set identifier: (weight, TTL)}` of app.shop.example.com as moto holds them."""
    found = world.clients.client("route53").list_resource_record_sets(
        HostedZoneId=world.seeded["hosted_zone"]
    )["ResourceRecordSets"]
    return {
        r["SetIdentifier"]: (r["Weight"], r["TTL"])
        for r in found
        if r["Name"] == names.APP_RECORD and "SetIdentifier" in r
    }


def driver(ctx, **weights: int) -> SetWeights:
    return SetWeights(
        ctx,
        step(
            "route53.set_weights",
            zone="shop.example.com.",
            record="app.shop.example.com",
            weights=weights,
        ),
    )


def test_weights_change_in_route53_and_undo_puts_them_back(world, ctx, recorder):
    assert records(world) == {"blue": (100, 5), "green": (0, 5)}
    canary = driver(ctx, blue=95, green=5)
    captured = canary.capture()
    assert [r["SetIdentifier"] for r in captured["records"]] == ["blue", "green"]
    assert not canary.find_started(captured)

    progress = canary.start()
    # Route 53 answers PENDING and propagates within about 60 s (world_time's clock, here).
    assert not progress.done
    assert progress.summary.endswith("Route 53 change PENDING")
    assert records(world) == {"blue": (95, 5), "green": (5, 5)}  # read at once, the TTL kept
    world.clock.advance(30)
    assert not canary.poll().done
    world.clock.advance(30)
    progress = canary.poll()
    assert progress.done
    assert "INSYNC" in progress.summary
    assert progress.detail["weights"]["weights"] == {"blue": 95, "green": 5}
    assert recorder.operations()[-2:] == ["route53.GetChange", "route53.GetChange"]

    assert driver(ctx, blue=95, green=5).find_started(captured)  # a new driver, after a crash
    undo = driver(ctx, blue=95, green=5)
    assert not undo.undo(captured).done
    world.clock.advance(60)
    assert undo.poll_undo().done
    assert records(world) == {"blue": (100, 5), "green": (0, 5)}
    assert set(recorder.operations()) <= declared("route53.set_weights")


def test_one_set_identifier_alone_changes_only_that_record(world, ctx):
    only_green = driver(ctx, green=1)
    captured = only_green.capture()
    only_green.start()
    try:
        assert records(world) == {"blue": (100, 5), "green": (1, 5)}
    finally:
        only_green.undo(captured)
    assert records(world) == {"blue": (100, 5), "green": (0, 5)}


def test_an_unknown_set_identifier_is_refused_before_anything_changes(world, ctx, recorder):
    with pytest.raises(CloudError) as caught:
        driver(ctx, blue=95, gren=5).start()
    assert str(caught.value) == (
        "no weighted record of app.shop.example.com. in shop.example.com. with set identifier "
        "'gren' in the credentials' account: its weighted records are blue, green: check "
        "`weights` in the runbook"
    )
    assert "route53.ChangeResourceRecordSets" not in recorder.operations()


def test_an_unknown_zone_names_it(ctx):
    bad = SetWeights(
        ctx,
        step(
            "route53.set_weights",
            zone="shop.example.org",
            record="app.shop.example.org",
            weights={"blue": 1},
        ),
    )
    with pytest.raises(
        CloudError,
        match=r"^no hosted zone 'shop\.example\.org\.' in the credentials' account: check",
    ):
        bad.capture()
