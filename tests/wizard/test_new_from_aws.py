"""`turnout new --from-aws` against the rehearsal world (moto, in-process): the account's own
resources are offered, and picking one fills in what belongs with it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import create_output
from rich.console import Console

from tests.keys import DOWN, ENTER
from tests.rehearsal.world_drill import start_world
from tui.aws.inventory import Inventory
from tui.rehearsal.fidelity import throttling
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook
from tui.wizard.ask import Wizard
from tui.wizard.build import check, render


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    # Throttling is process-wide moto state; a test elsewhere in this worker may have left it
    # on (seen with -n 2). These tests are about listing, not retries.
    throttling.clear()
    started = start_world("healthy")
    yield started
    started.stop()


@pytest.fixture
def inventory(world: World) -> Inventory:
    return Inventory(world.clients)


def test_the_world_s_resources_are_listed(inventory: Inventory) -> None:
    assert {"web-asg", "web-green-asg", "batch-asg"} <= set(inventory.names("asg"))
    assert "web-alb" in inventory.names("load_balancer")
    assert {"web-blue", "web-green"} <= set(inventory.names("target_group"))
    assert "shop.example.com." in inventory.names("hosted_zone")
    assert "orders-bgd" in inventory.names("blue_green")
    assert "orders-db" in inventory.names("db_instance")
    assert "shop" in inventory.names("ecs_cluster")
    assert "api" in inventory.names("ecs_service", {"cluster": "shop"})
    assert {"api:1", "api:2"} <= set(
        inventory.names("task_definition", {"cluster": "shop", "ecs_service": "api"})
    )
    assert inventory.identity() == ("123456789012", "us-east-1")


def test_suggestions_follow_from_earlier_choices(inventory: Inventory) -> None:
    assert inventory.suggest("launch_template", {"group": "web-green-asg"}) == "web-green-lt"
    assert inventory.suggest("target_group", {"group": "web-green-asg"}) == "web-green"
    assert inventory.suggest("load_balancer", {"group": "web-asg"}) == "web-alb"
    assert inventory.suggest("healthy_before", {"group": "web-asg"}) == "4"
    # The listener's weights say which group serves (blue) and which waits (green).
    assert inventory.suggest("blue_target_group", {"load_balancer": "web-alb"}) == "web-blue"
    assert inventory.suggest("green_target_group", {"load_balancer": "web-alb"}) == "web-green"
    assert inventory.suggest("deployment", {"db_instance": "orders-db"}) == "orders-bgd"
    assert (
        inventory.suggest("task_definition", {"cluster": "shop", "ecs_service": "api"}) == "api:2"
    )


def test_picking_a_group_writes_a_runbook_for_it(inventory: Inventory, tmp_path: Path) -> None:
    """A person picks web-green-asg from the list; its template, target group and size follow."""
    groups = inventory.names("asg")
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(
            ENTER * 3  # name, account, region (read from STS)
            + DOWN * (groups.index("web-green-asg") - groups.index("web-asg"))
            + ENTER
            + ENTER * 40  # every suggestion as offered
        )
        pipe.close()
        wizard = Wizard(
            Console(file=buffer), inventory, input=pipe, output=create_output(stdout=buffer)
        )
        answers = wizard.run("instance-refresh")
    assert answers.values["group"] == "web-green-asg"
    assert answers.values["launch_template"] == "web-green-lt"
    assert answers.values["target_group"] == "web-green"
    assert answers.values["load_balancer"] == "web-alb"
    assert answers.values["healthy_before"] == 2
    target = tmp_path / "green.yaml"
    target.write_text(render(answers, target))
    check(target.read_text(), target)
    assert load_runbook(target).params["group"].value == "web-green-asg"
