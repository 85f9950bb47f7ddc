"""The preflight's pure parts: whose policies are simulated, and whether the credentials
outlive the window (no AWS call: the expiry is what the session was told)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.aws.clients import ClientFactory
from tui.aws.context import AwsContext
from tui.aws.preflight import _credentials, principal_arn
from tui.aws.protocol import Identity
from tui.clock import ManualClock
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.runbook.loader import load_runbook

RUNBOOK = Path(__file__).resolve().parents[2] / "runbooks" / "alb-canary.yaml"  # window 1h30m
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("arn", "principal"),
    [
        (
            "arn:aws:sts::111122223333:assumed-role/turnout-operator/alice",
            "arn:aws:iam::111122223333:role/turnout-operator",
        ),
        ("arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice"),
        ("arn:aws-cn:sts::111122223333:assumed-role/r/s", "arn:aws-cn:iam::111122223333:role/r"),
        ("arn:aws:iam::111122223333:root", None),
        ("arn:aws:sts::111122223333:federated-user/bob", None),
    ],
)
def test_the_principal_simulated_is_the_sessions_role_or_user(arn: str, principal) -> None:
    assert principal_arn(Identity("111122223333", arn, "us-east-1")) == principal


def _ctx(expires: datetime | None) -> AwsContext:
    clients = ClientFactory(region="us-east-1", credentials=FAKE_CREDENTIALS, expires=expires)
    return AwsContext(clients, ManualClock(NOW))


def test_credentials_that_outlive_the_window_pass() -> None:
    row = _credentials(_ctx(NOW + timedelta(hours=2)), load_runbook(RUNBOOK))
    assert row.result == "ok" and "2h00m from now" in row.detail


def test_credentials_that_expire_inside_the_window_say_when_and_what_to_do() -> None:
    row = _credentials(_ctx(NOW + timedelta(minutes=20)), load_runbook(RUNBOOK))
    assert row.result == "warn"
    assert "20m00s from now" in row.detail and "1h30m window" in row.detail
    assert "aws sso login" in row.todo and "turnout resume" in row.todo


def test_long_lived_keys_have_no_expiry(monkeypatch) -> None:
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    assert _credentials(_ctx(None), load_runbook(RUNBOOK)).result == "ok"
