"""The ALB drivers against the world: weights really move, undo really puts them back."""

from __future__ import annotations

import json

import pytest
from moto.core.authorization import enable_iam_authentication

from tests.aws.conftest import declared, recorded_clients, step
from tui.aws.actions.elbv2 import SetDeregistrationDelay, SetWeights, ShiftWeights, WaitDrained
from tui.aws.context import AwsContext
from tui.aws.protocol import CloudError


def weights(world) -> dict[str, int]:
    """The listener's weights as moto holds them, by target group name."""
    listener = world.clients.client("elbv2").describe_listeners(
        ListenerArns=[world.seeded["listener"]]
    )["Listeners"][0]
    groups = listener["DefaultActions"][0]["ForwardConfig"]["TargetGroups"]
    return {g["TargetGroupArn"].split("/")[-2]: g["Weight"] for g in groups}


def delay(world, group: str) -> int:
    attributes = world.clients.client("elbv2").describe_target_group_attributes(
        TargetGroupArn=world.seeded[f"target_group:{group}"]
    )["Attributes"]
    return int(next(a["Value"] for a in attributes if a["Key"].startswith("deregistration")))


@pytest.fixture(autouse=True)
def blue_carries_everything(world):
    """Each test starts, and leaves the shared world, with all traffic on blue."""
    assert weights(world) == {"web-blue": 100, "web-green": 0}
    yield
    from tests.rehearsal.world_drill import set_listener_weights

    set_listener_weights(world, 100, 0)


def set_weights(ctx, **chosen: int) -> SetWeights:
    return SetWeights(ctx, step("elbv2.set_weights", load_balancer="web-alb", weights=chosen))


def test_set_weights_changes_the_listener_and_undo_puts_it_back(world, ctx, recorder):
    driver = set_weights(ctx, **{"web-blue": 90, "web-green": 10})
    captured = driver.capture()
    assert {g["name"]: g["weight"] for g in captured["groups"]} == {"web-blue": 100, "web-green": 0}
    assert json.loads(json.dumps(captured)) == captured  # fit for the audit log
    assert not driver.find_started(captured)

    progress = driver.start()
    assert progress.done
    assert weights(world) == {"web-blue": 90, "web-green": 10}
    assert progress.detail["weights"]["weights"] == {"web-blue": 90, "web-green": 10}
    assert "web-alb:80" in progress.summary
    assert recorder.operations("ModifyListener") == ["elbv2.ModifyListener"]

    # After a crash: a new driver sees the change made, and following it finds it done (the
    # old driver's poll said "not started" for ever: a resumed session never got past it).
    resumed = set_weights(ctx, **{"web-blue": 90, "web-green": 10})
    assert resumed.find_started(captured)
    assert resumed.poll().done

    undone = set_weights(ctx, **{"web-blue": 90, "web-green": 10}).undo(captured)
    assert undone.done
    assert weights(world) == {"web-blue": 100, "web-green": 0}
    assert set(recorder.operations()) <= declared("elbv2.set_weights")


def test_shift_weights_steps_on_the_clock_then_drains(world, ctx, recorder):
    shift = step(
        "elbv2.shift_weights",
        load_balancer="web-alb",
        **{"from": "web-blue", "to": "web-green"},
        steps=[10, 50, 100],
        bake="2m",
    )
    driver = ShiftWeights(ctx, shift)
    captured = driver.capture()
    clock = world.clock

    progress = driver.start()
    assert weights(world) == {"web-blue": 90, "web-green": 10}
    assert progress.state == "running"
    assert progress.detail["weights"]["step"] == 1
    assert progress.detail["weights"]["steps"] == [10, 50, 100]  # the panel names them
    assert progress.detail["weights"]["bake_remaining"] == 120

    clock.advance(119)
    progress = driver.poll()
    assert weights(world) == {"web-blue": 90, "web-green": 10}  # still baking
    assert progress.detail["weights"]["bake_remaining"] == pytest.approx(1)

    clock.advance(1)
    progress = driver.poll()
    assert weights(world) == {"web-blue": 50, "web-green": 50}
    assert progress.detail["weights"]["step"] == 2

    clock.advance(120)
    progress = driver.poll()
    assert weights(world) == {"web-blue": 0, "web-green": 100}
    assert progress.state == "running"  # blue's 30 s deregistration delay
    assert "drain" in progress.summary

    clock.advance(29)
    assert driver.poll().state == "running"
    clock.advance(1)
    assert driver.poll().done

    assert ShiftWeights(ctx, shift).find_started(captured)
    undone = ShiftWeights(ctx, shift).undo(captured)
    assert undone.done
    assert weights(world) == {"web-blue": 100, "web-green": 0}
    # An undo is no canary step: the traffic panel must not say "step 1 of 1, bake 0:00 left".
    assert undone.detail["weights"] == {
        "resource": "web-alb:80",
        "weights": {"web-blue": 100, "web-green": 0},
    }
    assert set(recorder.operations()) <= declared("elbv2.shift_weights")


def test_shift_weights_resumed_by_a_new_driver_continues_from_where_the_listener_is(world, ctx):
    shift = step(
        "elbv2.shift_weights",
        load_balancer="web-alb",
        **{"from": "web-blue", "to": "web-green"},
        steps=[10, 50, 100],
        bake="1m",
        drain=False,
    )
    first = ShiftWeights(ctx, shift)
    captured = first.capture()
    first.start()
    world.clock.advance(60)
    first.poll()
    assert weights(world) == {"web-blue": 50, "web-green": 50}

    resumed = ShiftWeights(ctx, shift)  # the process died; the engine builds a new driver
    assert resumed.find_started(captured)
    assert resumed.poll().detail["weights"]["step"] == 2  # where the listener is: no repeat
    assert weights(world) == {"web-blue": 50, "web-green": 50}
    world.clock.advance(60)
    assert resumed.poll().done
    assert weights(world) == {"web-blue": 0, "web-green": 100}


def test_cancel_stops_the_canary_where_it_is(world, ctx):
    shift = step(
        "elbv2.shift_weights",
        load_balancer="web-alb",
        **{"from": "web-blue", "to": "web-green"},
        steps=[10, 100],
        bake="1m",
    )
    driver = ShiftWeights(ctx, shift)
    captured = driver.capture()
    driver.start()
    driver.cancel()
    world.clock.advance(120)
    assert driver.poll().failed
    assert weights(world) == {"web-blue": 90, "web-green": 10}
    driver.undo(captured)
    assert weights(world) == {"web-blue": 100, "web-green": 0}


def test_deregistration_delay_is_set_and_put_back(world, ctx, recorder):
    driver = SetDeregistrationDelay(
        ctx, step("elbv2.set_deregistration_delay", target_group="web-blue", delay="45s")
    )
    captured = driver.capture()
    assert captured["delay"] == 30
    assert not driver.find_started(captured)
    assert driver.start().done
    assert delay(world, "blue") == 45
    resumed = SetDeregistrationDelay(
        ctx, step("elbv2.set_deregistration_delay", target_group="web-blue", delay="45s")
    )
    assert resumed.find_started(captured)  # after a crash, in a new process
    assert resumed.poll().done  # the old code: "not started", for ever
    assert driver.undo(captured).done
    assert delay(world, "blue") == 30
    assert set(recorder.operations()) <= declared("elbv2.set_deregistration_delay")


def test_wait_drained_waits_for_a_deregistered_target_then_is_done(world, ctx, recorder):
    elbv2 = world.clients.client("elbv2")
    group = world.seeded["target_group:green"]
    target = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"][0]
    elbv2.deregister_targets(TargetGroupArn=group, Targets=[target["Target"]])
    try:
        driver = WaitDrained(ctx, step("elbv2.wait_drained", target_group="web-green"))
        progress = driver.start()
        assert progress.state == "running"
        assert target["Target"]["Id"] in progress.summary
        world.clock.advance(31)  # web-green's 30 s deregistration delay
        assert driver.poll().done
        assert set(recorder.operations()) <= declared("elbv2.wait_drained")
    finally:
        elbv2.register_targets(TargetGroupArn=group, Targets=[target["Target"]])


def test_wait_drained_fails_at_its_timeout(world, ctx):
    elbv2 = world.clients.client("elbv2")
    group = world.seeded["target_group:green"]
    target = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"][0]
    elbv2.deregister_targets(TargetGroupArn=group, Targets=[target["Target"]])
    try:
        driver = WaitDrained(
            ctx, step("elbv2.wait_drained", target_group="web-green", timeout="10s")
        )
        driver.start()
        world.clock.advance(10)
        progress = driver.poll()
        assert progress.failed
        assert "web-green" in progress.reason
        assert "10 s timeout" in progress.reason
    finally:
        world.clock.advance(30)
        elbv2.register_targets(TargetGroupArn=group, Targets=[target["Target"]])


def test_an_unknown_target_group_is_refused_before_anything_changes(world, ctx, recorder):
    driver = set_weights(ctx, **{"web-blue": 90, "web-gren": 10})
    with pytest.raises(CloudError) as caught:
        driver.start()
    assert str(caught.value).startswith("no target group 'web-gren' in region us-east-1")
    assert "ModifyListener" not in recorder.operations()
    assert weights(world) == {"web-blue": 100, "web-green": 0}


def test_access_denied_names_the_operation_and_the_resource(world, recorder):
    iam = world.clients.client("iam")
    iam.create_user(UserName="viewer")
    iam.put_user_policy(
        UserName="viewer",
        PolicyName="describe-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "elasticloadbalancing:Describe*", "Resource": "*"}
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="viewer")["AccessKey"]
    credentials = {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
        "aws_session_token": None,
    }
    viewer = AwsContext(
        recorded_clients(world, recorder, credentials=credentials), clock=world.clock
    )
    driver = set_weights(viewer, **{"web-blue": 90, "web-green": 10})
    with enable_iam_authentication():
        driver.capture()  # reading is allowed
        with pytest.raises(CloudError) as caught:
            driver.start()
    assert caught.value.code == "AccessDenied"
    assert str(caught.value).startswith("elbv2.ModifyListener on web-alb:80: AccessDenied")
    assert "lack this permission" in str(caught.value)
    assert recorder.calls[-1].result["ok"] is False
    assert weights(world) == {"web-blue": 100, "web-green": 0}


def test_an_undo_that_reached_aws_before_a_crash_is_found_not_resent(world, ctx, recorder):
    driver = set_weights(ctx, **{"web-blue": 50, "web-green": 50})
    captured = driver.capture()
    driver.start()
    assert set_weights(ctx, **{"web-blue": 50, "web-green": 50}).find_undone(captured) is None
    driver.undo(captured)  # reached AWS; the process died before its result was logged
    recorder.clear()
    found = set_weights(ctx, **{"web-blue": 50, "web-green": 50}).find_undone(captured)
    assert found is not None and found.done
    assert recorder.operations("ModifyListener") == []  # only described
    assert weights(world) == {"web-blue": 100, "web-green": 0}

    delay_step = step("elbv2.set_deregistration_delay", target_group="web-blue", delay="7s")
    setter = SetDeregistrationDelay(ctx, delay_step)
    before = setter.capture()
    setter.start()
    assert SetDeregistrationDelay(ctx, delay_step).find_undone(before) is None
    setter.undo(before)
    assert SetDeregistrationDelay(ctx, delay_step).find_undone(before) is not None
