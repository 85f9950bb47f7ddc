"""A real-mode session against an endpoint on this machine (a `turnout world`, LocalStack) is
labelled LOCAL ENDPOINT with its address, not "PRODUCTION · REAL AWS", and the header names the
profile. The old header said PRODUCTION for `turnout run` against the rehearsal world."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.app.model import SessionModel
from tui.app.widgets.header import header_text, local_endpoint
from tui.aws.protocol import Identity
from tui.engine.events import SessionStarted

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _started(endpoint: str | None, profile: str | None = None) -> SessionModel:
    model = SessionModel(None)
    ident = Identity("123456789012", "arn:aws:iam::123456789012:user/alice", "us-east-1")
    model.apply(
        SessionStarted(
            "alb-canary", "t", ident, False, "s", NOW, endpoint=endpoint, profile=profile
        )
    )
    return model


@pytest.mark.parametrize(
    ("endpoint", "local"),
    [
        ("http://127.0.0.1:46149", "127.0.0.1:46149"),
        ("http://localhost:4566", "localhost:4566"),
        ("http://[::1]:5000", "[::1]:5000"),
        ("https://vpce-0abc.elasticloadbalancing.us-east-1.vpce.amazonaws.com", None),
        (None, None),
    ],
)
def test_only_an_endpoint_on_this_machine_is_local(endpoint, local) -> None:
    assert local_endpoint(endpoint) == local


def test_the_header_says_local_endpoint_and_the_profile() -> None:
    text = header_text(_started("http://127.0.0.1:46149", "ops"), NOW, width=200).plain
    assert "LOCAL ENDPOINT · 127.0.0.1:46149" in text and "PRODUCTION" not in text
    assert "profile ops" in text
    real = header_text(_started(None), NOW, width=200).plain
    assert "PRODUCTION · REAL AWS" in real
