"""http.probe: through the world's front door by name, attempts spaced on the engine's clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.aws.conftest import step
from tui.aws.actions.http import Probe
from tui.aws.context import AwsContext

URL = "http://app.shop.example.com/health"


def probe(ctx, **arguments) -> Probe:
    # A generous wall-clock bound on each request: the front door is a thread of this busy
    # test process, and CI once saw the default 5 s run out under load (a flake, not a finding).
    return Probe(ctx, step("http.probe", **({"url": URL, "timeout": "60s"} | arguments)))


def test_the_app_name_reaches_the_worlds_front_door(ctx):
    progress = probe(ctx).start()
    assert progress.done
    assert progress.summary == f"GET {URL} answered 200 (attempt 1/3)"


def test_the_body_must_contain_the_expected_text(ctx):
    assert probe(ctx, contains="ok").start().done
    progress = probe(ctx, contains="welcome", attempts=1).start()
    assert progress.failed
    assert "without 'welcome' in the body" in progress.reason


def test_attempts_are_spaced_on_the_clock_and_the_last_failure_fails_the_step(world, ctx):
    driver = probe(ctx, expect_status=204, attempts=3, interval="10s")
    progress = driver.start()
    assert progress.state == "running"
    assert "answered 200 (expected 204)" in progress.summary
    assert "attempt 1/3" in progress.summary

    assert "attempt 1/3" in driver.poll().summary  # the interval has not passed: no request
    world.clock.advance(10)
    assert "attempt 2/3" in driver.poll().summary
    world.clock.advance(10)
    progress = driver.poll()
    assert progress.failed
    assert progress.reason == f"GET {URL} answered 200 (expected 204) after attempt 3/3"


@pytest.fixture
def redirecting() -> Iterator[str]:
    """A loopback server that redirects everything to a name that must never be looked up."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://turnout-must-not-follow.invalid/")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_redirect_is_an_answer_not_somewhere_to_go(world, redirecting):
    ctx = AwsContext(world.clients, world.clock, http_hosts={"app.shop.example.com": redirecting})
    progress = probe(ctx, attempts=1).start()
    assert progress.failed
    assert progress.reason == f"GET {URL} answered 302 (expected 200) after attempt 1/1"
    assert probe(ctx, expect_status=302).start().done


def test_nothing_listening_is_a_failure_that_says_so(world):
    ctx = AwsContext(world.clients, world.clock, http_hosts={"app.shop.example.com": "127.0.0.1:9"})
    progress = probe(ctx, attempts=1).start()
    assert progress.failed
    assert progress.reason.startswith(f"GET {URL} failed: ")
    assert "refused" in progress.reason.lower()


def test_a_probe_has_nothing_to_undo_or_find(ctx):
    driver = probe(ctx)
    assert driver.capture() == {}
    assert driver.find_started({}) is False
    assert driver.undo({}).done
