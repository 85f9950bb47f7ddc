"""A secret reaches AWS whole, and nothing else (issue 14): a real session of the attack runbook
(tests/attack_runbook.py) against the served world, stopped at the canary's confirmation and
resumed.

- the alarm's description, holding both secrets, is in CloudWatch as written;
- the operator was told and asked nothing that holds them (events and questions are masked);
- the log verifies and holds neither; its params say `[REDACTED]`, so resuming asks for each
  secret again with `--set`, and a resume given them carries on.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from tests.attack_runbook import leaks, secrets, write_attack_runbook
from tests.engine.fakes import FakeOperator
from tui.audit.chain import read_log, require_intact
from tui.audit.resume import resume_state
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine import questions
from tui.engine.options import SessionOptions
from tui.engine.ports import QuestionKind
from tui.engine.resuming import overrides_from_log
from tui.errors import InputError
from tui.exitcodes import ExitCode
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook
from tui.runbook.secrets import MASK

pytestmark = pytest.mark.slow


def _stop_at_canary(question):  # yes to the alarm, "not now" to the canary
    return questions.NO if question.step == "canary" else questions.YES


def test_a_secret_goes_to_aws_and_nowhere_else_and_is_asked_for_again_on_resume(tmp_path):
    values = secrets()
    path = write_attack_runbook(tmp_path)
    with World(speed=30.0) as world:

        def make_cloud(recorder):
            clients = ClientFactory(
                region="us-east-1",
                endpoint_url=world.endpoint_url,
                credentials=FAKE_CREDENTIALS,
                recorder=recorder,
            )
            return AwsCloud(AwsContext(clients, world.clock, world.http_hosts))

        flow = {"clock": world.clock, "make_cloud": make_cloud, "auto_approve": False}
        first, screen = FakeOperator({QuestionKind.CONFIRM: _stop_at_canary}), io.StringIO()
        outcome = open_session(
            SessionRequest(
                load_runbook(path, values),
                sessions_dir=str(tmp_path / "sessions"),
                options=SessionOptions(poll=10, mode="real"),
                operator=first,
                console=Console(file=screen),
                **flow,
            )
        )
        assert outcome.code == ExitCode.INTERRUPTED
        (alarm,) = world.clients.client("cloudwatch").describe_alarms()["MetricAlarms"]
        expected = f"paged with {values['db_password']} via {values['api_token']}"
        assert alarm["AlarmDescription"] == expected  # AWS got the real value

        asked = repr((first.asked, first.events))
        assert MASK in asked  # the checklist, the alarm's title and body were shown masked
        log = outcome.session_dir / "audit.jsonl"
        state = resume_state(log)
        assert state.params["db_password"] == state.params["api_token"] == "[REDACTED]"
        for name in values:  # each secret is asked for, even with the other one given
            others = {k: v for k, v in values.items() if k != name}
            with pytest.raises(InputError, match=f"give it again with --set {name}=VALUE"):
                overrides_from_log(state.params, path, others)

        again = FakeOperator({QuestionKind.CONFIRM: _stop_at_canary})
        resumed = open_session(
            SessionRequest(
                load_runbook(path, overrides_from_log(state.params, path, values)),
                resume=state,
                options=SessionOptions(poll=10, mode="real"),
                operator=again,
                console=Console(file=screen),
                **flow,
            )
        )
        assert resumed.code == ExitCode.INTERRUPTED
        assert [q.step for q in again.asked] == ["canary"]  # the alarm is not sent again

    reading = read_log(log)
    require_intact(reading)  # masked before hashing: the chain verifies
    assert "session.resume" in [r.type for r in reading.records]
    texts = {"screen": screen.getvalue(), "asked": asked, "asked again": repr(again.asked)}
    assert leaks(values, texts, Path(tmp_path / "sessions")) == []
