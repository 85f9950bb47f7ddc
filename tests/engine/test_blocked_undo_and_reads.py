"""AWS refusing the session's own rollback calls (a permission missing for the undo, the
credentials expired mid-rollback) pauses the rollback resumably instead of ending 4 with the
traffic half back; the resumed session finishes the rollback, looking in AWS for an undo that
went through before sending it again (tui/engine/blocked.py, tui/engine/rollback.py). A refused
precondition read asks BLOCKED too, instead of failing the precondition (exit 5)."""

from __future__ import annotations

import pytest

from tests.engine.fakes import DriverScript
from tests.engine.test_session_resume import resume
from tui.audit.resume import resume_state
from tui.aws.protocol import CloudError
from tui.engine import questions
from tui.engine.ports import QuestionKind


def _denied() -> CloudError:
    return CloudError(
        "elbv2.ModifyListener on web-alb:80: AccessDenied: not authorized to perform "
        "elasticloadbalancing:ModifyListener",
        service="elbv2",
        operation="ModifyListener",
        code="AccessDenied",
        action="elasticloadbalancing:ModifyListener",
    )


@pytest.fixture
def breaching(cloud):
    """The shift breaches its error-rate guardrail; its undo is refused the first time."""
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if "shift" in cloud.changed else 0.1
    cloud.scripts["shift"] = DriverScript(refuse_undo=_denied())
    return cloud


def test_a_refused_undo_pauses_the_rollback_resumably_not_exit_4(drive, breaching, clock):
    """Old code: the undo's AccessDenied was one more failed rollback step: exit 4,
    `rollback incomplete`, not resumable, the listener left at 50/50."""
    d = drive()
    assert d.code == 130
    blocked = next(q for q in d.operator.asked if q.kind is QuestionKind.BLOCKED)
    assert "elasticloadbalancing:ModifyListener" in blocked.body
    assert questions.ROLLBACK not in {c.key for c in blocked.choices}  # already rolling back
    types = [r.type for r in d.records]
    assert "rollback.start" in types and "rollback.end" not in types
    assert not [p for p in d.of("rollback.step") if p["step"] == "shift"]
    end = d.of("session.end")[-1]
    assert end["exit_code"] == 130 and "AccessDenied" in end["reason"]

    state = resume_state(d.dir)
    assert state.rollback_begun and not state.rollback_ended
    breaching.scripts["shift"].found_undone = False
    code, _ = resume(d, breaching, clock)
    assert code == 3  # the resumed session finished the rollback and verified it
    assert breaching.calls.count(("find_undone", "shift")) == 1  # looked in AWS first
    assert breaching.calls.count(("undo", "shift")) == 2  # the refused one, then the real one
    assert [s for what, s in breaching.calls if what == "start"] == ["backup", "shift"]


def test_retry_after_the_person_acts_finishes_the_rollback_in_the_same_session(
    drive, breaching, operator
):
    operator.answers[QuestionKind.BLOCKED] = questions.RETRY
    d = drive()
    assert d.code == 3
    assert [c for c in breaching.calls if c[0] == "renew_credentials"]
    assert breaching.calls.count(("find_undone", "shift")) == 1  # the retry looks first
    assert d.of("rollback.end")[-1]["outcome"] == "completed"


def _refused_read() -> CloudError:
    return CloudError(
        "elbv2.DescribeTargetHealth on web-green: ExpiredToken: The security token included in "
        "the request is expired",
        service="elbv2",
        operation="DescribeTargetHealth",
        code="ExpiredToken",
        action="elasticloadbalancing:DescribeTargetHealth",
    )


@pytest.fixture
def refusing_once(cloud):
    """The first precondition read is refused for the session's credentials."""
    real, refused = cloud.read, [_refused_read()]

    def read(condition):
        if refused:
            raise refused.pop()
        return real(condition)

    cloud.read = read
    return cloud


def test_a_refused_precondition_read_asks_blocked_and_retry_checks_it_again(
    drive, refusing_once, operator
):
    """Old code: "could not read: ... ExpiredToken" failed the precondition, and the step was
    refused (exit 5) for want of a login, with nothing wrong in the world."""
    operator.answers[QuestionKind.BLOCKED] = questions.RETRY
    d = drive()
    assert d.code == 0
    assert [q.kind for q in d.operator.asked].count(QuestionKind.BLOCKED) == 1
    assert not [q for q in d.operator.asked if q.kind is QuestionKind.PRECONDITION]
    assert all(p["passed"] for p in d.of("precondition.evaluated"))
    assert [c for c in refusing_once.calls if c[0] == "renew_credentials"]


def test_a_refused_precondition_read_pauses_by_default_and_refuses_nothing(drive, refusing_once):
    d = drive()
    assert d.code == 130
    assert not [p for p in d.of("step.end") if p["status"] == "refused"]
    assert "ExpiredToken" in d.of("session.end")[-1]["reason"]
