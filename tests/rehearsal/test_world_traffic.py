"""The world moves: traffic follows the weights an operator sets, measured via GetMetricData."""

from __future__ import annotations

import pytest

from tests.rehearsal.world_drill import alb_error_rate, run_for, set_listener_weights, start_world


@pytest.fixture
def bad_ami_world():
    world = start_world("bad-ami")
    yield world
    world.stop()


def test_a_bad_green_raises_the_error_rate_by_its_share_and_shifting_back_lowers_it(
    bad_ami_world,
) -> None:
    world = bad_ami_world
    run_for(world, 120)
    assert alb_error_rate(world) < 0.5  # all traffic on healthy blue: near 0 %

    set_listener_weights(world, 90, 10)
    run_for(world, 120)
    # 10 % of traffic on a green that fails half its requests: about 5 % errors.
    assert alb_error_rate(world) == pytest.approx(5.0, abs=2.0)

    set_listener_weights(world, 100, 0)
    run_for(world, 120)
    assert alb_error_rate(world) < 0.5


def test_users_experience_is_recorded_for_the_debrief(bad_ami_world) -> None:
    world = bad_ami_world
    run_for(world, 60)
    set_listener_weights(world, 50, 50)
    run_for(world, 60)
    ledger = world.simulator.ledger
    requests, errors = ledger.totals()
    assert requests == pytest.approx(50 * 120, rel=0.05)  # 50 requests a second
    assert errors == pytest.approx(0.25 * 50 * 60, rel=0.25)  # half of half, for a minute
    assert "bad image (bad-ami)" in ledger.fault_started
    assert ledger.first_errors_after(ledger.fault_started["bad image (bad-ami)"]) is not None


def test_the_front_door_answers_like_the_fleet_behind_it(bad_ami_world) -> None:
    import urllib.error
    import urllib.request

    world = bad_ami_world
    url = f"http://{world.http_hosts['app.shop.example.com']}/health"

    def status() -> int:
        request = urllib.request.Request(url, headers={"Host": "app.shop.example.com"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    assert {status() for _ in range(10)} == {200}
    set_listener_weights(world, 0, 100)
    assert 500 in {status() for _ in range(20)}  # green fails half its requests
