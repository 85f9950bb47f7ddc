"""AWS refusing the session mid-window (its role session expired, a permission missing) pauses
it resumably instead of ending it 4; the resumed session, with fresh credentials, finishes
without re-sending a change that took effect. Driven through the world's real STS: the session's
credentials come from AssumeRole (tui/rehearsal/fidelity/role_sessions.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.drill import Drill, drill, resume_drill
from tui.audit.chain import read_log, require_intact
from tui.rehearsal.world import World

pytestmark = pytest.mark.slow
ROLE = "arn:aws:iam::123456789012:role/turnout-operator"
FAST = {"bake": "1m", "full_bake": "2m"}
NO_MODIFY_LISTENER = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "elasticloadbalancing:ModifyListener", "Resource": "*"},
        ],
    }
)


def role_session(world: World, seconds: int = 3600, policy: str | None = None) -> dict[str, Any]:
    """Credentials from the world's STS, as `aws sso login` or a role profile gives them."""
    extra = {"Policy": policy} if policy else {}
    got = world.clients.client("sts").assume_role(
        RoleArn=ROLE, RoleSessionName="operator", DurationSeconds=seconds, **extra
    )["Credentials"]
    return {
        "aws_access_key_id": got["AccessKeyId"],
        "aws_secret_access_key": got["SecretAccessKey"],
        "aws_session_token": got["SessionToken"],
    }


def records(d: Drill) -> list:
    reading = read_log(d.log)
    require_intact(reading)
    return reading.records


def ok_calls(d: Drill, operation: str) -> int:
    return sum(
        1
        for r in records(d)
        if r.type == "api.result"
        and r.payload["operation"] == operation
        and r.payload["outcome"] == "ok"
    )


@pytest.fixture
def drills(tmp_path: Path):
    started: list[Drill] = []

    def go(*args: Any, **kwargs: Any) -> Drill:
        d = drill(*args, tmp_path, **kwargs)
        started.append(d)
        return d

    yield go
    for d in started:
        d.world.stop()


def test_a_role_session_that_expires_mid_canary_pauses_and_resumes_to_completion(drills):
    """A role session's credentials expire mid-canary (STS `Credentials`: "After temporary
    credentials expire, any calls that you make with those credentials will fail"). Old code:
    the guardrails aged into missing data and the canary rolled back with a rollback whose
    calls failed too, or the step failed and was rolled back: exit 3 or 4, never resumable."""
    # 15 minutes of credentials (STS's shortest) against 6-minute bakes: they expire between
    # the canary's third shift and its fourth.
    d = drills(
        "alb-canary",
        sets={**FAST, "bake": "6m"},
        poll=30,
        credentials=lambda w: role_session(w, seconds=900),
    )
    assert d.code == 130, d.output[-3000:]
    end = records(d)[-1]
    assert end.type == "session.end" and end.payload["exit_code"] == 130
    assert "ExpiredToken" in end.payload["reason"] and "aws sso login" in end.payload["reason"]
    asked = [r for r in records(d) if r.type == "confirm.prompt"]
    assert asked[-1].payload["kind"] == "blocked"
    assert "rollback.start" not in {r.type for r in records(d)}
    assert "aws sso login" in d.output
    shifted = ok_calls(d, "ModifyListener")
    assert 0 < shifted < 4  # mid-canary: some steps shifted, not all

    resumed = resume_drill(d, role_session(d.world))
    assert resumed.code == 0, resumed.output[-3000:]
    # One log for both: four canary shifts in all, each sent once (nothing that took effect
    # was sent again), and the resumed session followed the canary from its fourth.
    assert ok_calls(resumed, "ModifyListener") == 4
    assert "the change is under way in AWS" in resumed.output


def test_a_denied_change_pauses_naming_the_action_and_resumes_without_it_twice(drills):
    """A session policy without elasticloadbalancing:ModifyListener (IAM User Guide: "The
    resulting session's permissions are the intersection of the role's identity-based policy
    and the session policies"): the canary's first shift is refused AccessDenied. Old code:
    STEP_FAILED, answered rollback headless, ending 3 with nothing learned; now the session
    pauses (130) naming the action and the statement to add, and a resume with a session that
    has it runs the canary from its start, each shift sent once."""
    d = drills(
        "alb-canary",
        sets=FAST,
        poll=30,
        credentials=lambda w: role_session(w, policy=NO_MODIFY_LISTENER),
    )
    assert d.code == 130, d.output[-3000:]
    reason = records(d)[-1].payload["reason"]
    assert "AccessDenied" in reason
    assert "elasticloadbalancing:ModifyListener" in reason and "turnout policy" in reason
    assert ok_calls(d, "ModifyListener") == 0
    assert ok_calls(d, "ModifyTargetGroupAttributes") == 1  # the step before it went through

    resumed = resume_drill(d, role_session(d.world))
    assert resumed.code == 0, resumed.output[-3000:]
    assert ok_calls(resumed, "ModifyListener") == 4  # one log: both sessions' calls
    assert ok_calls(resumed, "ModifyTargetGroupAttributes") == 1  # not sent again
