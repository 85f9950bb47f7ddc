"""rds.create_snapshot, rds.create_blue_green and rds.switchover_blue_green on the world."""

from __future__ import annotations

import pytest

from tests.aws.actions.driving import context, follow, make_step, world_fixture
from tests.rehearsal.world_drill import run_for
from tui.aws.actions.rds import (
    DRIVERS,
    CreateBlueGreenDriver,
    CreateSnapshotDriver,
    SwitchoverDriver,
)
from tui.aws.protocol import CloudError
from tui.rehearsal import names

world = world_fixture("healthy")


def _db_names(world) -> set[str]:
    return {
        d["DBInstanceIdentifier"]
        for d in world.clients.client("rds").describe_db_instances()["DBInstances"]
    }


def _deployment(world, name: str) -> dict | None:
    found = world.clients.client("rds").describe_blue_green_deployments(
        Filters=[{"Name": "blue-green-deployment-name", "Values": [name]}]
    )["BlueGreenDeployments"]
    return found[0] if found else None


def test_the_module_offers_the_three_actions() -> None:
    assert set(DRIVERS) == {
        "rds.create_snapshot",
        "rds.create_blue_green",
        "rds.switchover_blue_green",
    }


def test_snapshot_is_taken_found_again_after_a_restart_and_kept_by_undo(world) -> None:
    step = make_step("rds.create_snapshot", instance=names.INVENTORY_DB, snapshot="inv-before")
    driver = CreateSnapshotDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["existed"] is False
    assert not CreateSnapshotDriver(context(world, step), step).find_started(captured)
    progress = driver.start()
    if progress.state == "running":
        progress, _ = follow(world, driver.poll, interval=30, limit=600)
    assert progress.done and progress.detail["snapshot"]["state"] == "available"
    assert progress.detail["snapshot"]["arn"].endswith(":snapshot:inv-before")
    snapshot = world.clients.client("rds").describe_db_snapshots(DBSnapshotIdentifier="inv-before")[
        "DBSnapshots"
    ][0]
    assert snapshot["DBInstanceIdentifier"] == names.INVENTORY_DB

    resumed = CreateSnapshotDriver(context(world, step), step)
    assert resumed.find_started(captured) and resumed.poll().done
    assert resumed.undo(captured).done
    assert world.clients.client("rds").describe_db_snapshots(DBSnapshotIdentifier="inv-before")


def test_blue_green_waits_for_available_reporting_its_tasks_and_undo_deletes_it(world) -> None:
    step = make_step(
        "rds.create_blue_green",
        name=names.INVENTORY_BLUE_GREEN,
        source=names.INVENTORY_DB,
        engine_version="8.0.40",
        timeout="2h",
    )
    driver = CreateBlueGreenDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["existing"] is None
    started = driver.start()
    assert started.state == "running"
    assert started.detail["blue_green"]["tasks"][0] == {
        "name": "CREATING_READ_REPLICA_OF_SOURCE",
        "status": "IN_PROGRESS",
    }
    assert "CREATING_READ_REPLICA_OF_SOURCE" in started.summary

    resumed = CreateBlueGreenDriver(context(world, step), step)
    assert resumed.find_started(captured)
    final, seen = follow(world, resumed.poll, interval=120, limit=7200)
    assert final.done, final
    assert any("DB_ENGINE_VERSION_UPGRADE" in p.summary for p in seen)
    assert {t["status"] for t in final.detail["blue_green"]["tasks"]} == {"COMPLETED"}
    green = final.detail["blue_green"]["target"]
    assert green in _db_names(world)

    undo = resumed.undo(captured)
    if undo.state == "running":
        undo, _ = follow(world, resumed.poll_undo, interval=30, limit=600)
    assert undo.done, undo
    assert _deployment(world, names.INVENTORY_BLUE_GREEN) is None
    assert green not in _db_names(world) and names.INVENTORY_DB in _db_names(world)


def test_switchover_completes_with_the_renames(world) -> None:
    step = make_step(
        "rds.switchover_blue_green", irreversible=True, deployment=names.BLUE_GREEN, timeout="5m"
    )
    driver = SwitchoverDriver(context(world, step), step)
    captured = driver.capture()
    assert captured["status"] == "AVAILABLE" and captured["source"] == names.DB_INSTANCE
    green = captured["target"]
    assert not SwitchoverDriver(context(world, step), step).find_started(captured)

    assert driver.start().state == "running"
    resumed = SwitchoverDriver(context(world, step), step)
    assert resumed.find_started(captured)
    final, _ = follow(world, resumed.poll, interval=15, limit=900)
    assert final.done, final
    assert f"old blue {names.DB_INSTANCE}-old1" in final.summary
    databases = _db_names(world)
    assert {names.DB_INSTANCE, f"{names.DB_INSTANCE}-old1"} <= databases
    assert green not in databases  # green took blue's name
    assert _deployment(world, names.BLUE_GREEN)["Status"] == "SWITCHOVER_COMPLETED"
    assert "irreversible" in resumed.undo(captured).summary

    # Rolling back a create_blue_green step past the switchover deletes only the deployment:
    # its green instance is production now.
    create = make_step("rds.create_blue_green", name=names.BLUE_GREEN, source=names.DB_INSTANCE)
    undo = CreateBlueGreenDriver(context(world, create), create).undo({"existing": None})
    assert undo.done and "not its instances" in undo.summary, undo
    assert _deployment(world, names.BLUE_GREEN) is None
    assert {names.DB_INSTANCE, f"{names.DB_INSTANCE}-old1"} <= _db_names(world)


def test_unknown_deployment_is_a_clear_error(world) -> None:
    step = make_step("rds.switchover_blue_green", irreversible=True, deployment="nope-bgd")
    words = r"^no RDS Blue/Green deployment 'nope-bgd' in region us-east-1: check the name"
    with pytest.raises(CloudError, match=words):
        SwitchoverDriver(context(world, step), step).capture()


@pytest.mark.parametrize("world", ["replica-lag"], indirect=True)
def test_switchover_under_replica_lag_fails_with_rds_reason(world) -> None:
    world.step_reached("switchover", "start")  # the scenario's lag (45 s) starts with the step
    run_for(world, 120, 30)  # and decays: 36 s now
    # A timeout the lag fits in: RDS starts, cannot finish in time, and rolls it back.
    step = make_step(
        "rds.switchover_blue_green", irreversible=True, deployment=names.BLUE_GREEN, timeout="60s"
    )
    driver = SwitchoverDriver(context(world, step), step)
    captured = driver.capture()
    assert driver.start().state == "running"
    final, _ = follow(world, driver.poll, interval=15, limit=900)
    assert final.failed
    assert "did not complete within the switchover timeout of 60 seconds" in final.reason
    assert _deployment(world, names.BLUE_GREEN)["Status"] == "AVAILABLE"
    assert names.DB_INSTANCE in _db_names(world)  # nothing renamed
    # A resumed session sees that a switchover was sent (and rolled back): it does not resend.
    assert SwitchoverDriver(context(world, step), step).find_started(captured)

    # A timeout shorter than the lag: RDS's switchover guardrail refuses outright.
    short = make_step(
        "rds.switchover_blue_green", irreversible=True, deployment=names.BLUE_GREEN, timeout="30s"
    )
    refused_driver = SwitchoverDriver(context(world, short), short)
    refused_driver.capture()
    refused = refused_driver.start()
    assert refused.failed
    assert "InvalidBlueGreenDeploymentStateFault" in refused.reason
    assert "replica lag" in refused.reason and names.BLUE_GREEN in refused.reason
    assert _deployment(world, names.BLUE_GREEN)["Status"] == "AVAILABLE"
