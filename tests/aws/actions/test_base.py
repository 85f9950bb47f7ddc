"""The one driver base: a one-call driver's `find_started` must say what it found with
`found_done`, else a resumed session would follow "not started" for ever; the base stops that."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.aws.actions.driving import make_step
from tui.aws.actions.base import Driver
from tui.aws.clients import ClientFactory
from tui.aws.cloud import driver_classes
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.clock import ManualClock


class _Forgetful(Driver):
    """A one-call driver that finds its change and forgets to say it is done."""

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        return True


class _Careful(Driver):
    def find_started(self, captured: Mapping[str, Any]) -> bool:
        return self.found_done("web-blue deregistration delay is 45 s", {"delay": 45})


def _ctx() -> AwsContext:
    # No call reaches AWS here: the base alone is under test.
    return AwsContext(clients=ClientFactory(region="us-east-1"), clock=ManualClock())


def _step() -> Any:
    return make_step("elbv2.set_deregistration_delay", target_group="web-blue", delay="45s")


def test_found_done_makes_poll_done() -> None:
    driver = _Careful(_ctx(), _step())
    assert driver.find_started({})
    assert driver.poll() == Progress(
        "done", "web-blue deregistration delay is 45 s", 100.0, {"delay": 45}
    )


def test_a_find_started_without_found_done_fails_at_poll_instead_of_hanging() -> None:
    driver = _Forgetful(_ctx(), _step())
    assert driver.find_started({})
    with pytest.raises(RuntimeError, match="found_done"):
        driver.poll()


def test_the_one_call_defaults() -> None:
    driver = Driver(_ctx(), _step())
    assert driver.capture() == {}
    assert not driver.find_started({})
    assert driver.cancel() is None
    assert driver.find_undone({}) is None
    assert driver.undo({}).done and driver.poll_undo().done
    assert driver.state() is None


def test_every_driver_is_on_the_one_base() -> None:
    assert all(issubclass(cls, Driver) for cls in driver_classes().values())
