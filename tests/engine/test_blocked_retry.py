"""A person's retry of a call AWS refused the session for: the credentials are read again,
and a start is looked for in AWS before it is sent again (tui/engine/blocked.py)."""

from __future__ import annotations

import pytest

from tests.engine.fakes import DriverScript
from tui.aws.protocol import CloudError
from tui.engine import questions
from tui.engine.ports import QuestionKind


def _expired() -> CloudError:
    return CloudError(
        "route53.GetChange on app: ExpiredToken: The security token included in the request is "
        "expired",
        service="route53",
        operation="GetChange",
        code="ExpiredToken",
        action="route53:GetChange",
    )


@pytest.mark.parametrize(("in_aws", "starts"), [(True, 1), (False, 2)])
def test_retry_renews_the_credentials_and_never_resends_a_start_that_took_effect(
    drive, cloud, operator, in_aws, starts
) -> None:
    # A multi-call start (ChangeResourceRecordSets, then GetChange) refused on its second call:
    # its change is in AWS, and sending the first call again would be a second change.
    cloud.scripts["dns"] = DriverScript(fail_start=_expired(), found_started=in_aws)
    operator.answers[QuestionKind.BLOCKED] = questions.RETRY
    d = drive()
    assert d.code == 0
    blocked = next(q for q in d.operator.asked if q.kind is QuestionKind.BLOCKED)
    assert "aws sso login" in blocked.body and blocked.default == questions.PAUSE
    assert [c for c in d.cloud.calls if c[0] == "renew_credentials"]
    assert d.cloud.calls.count(("start", "dns")) == starts
    assert not [q for q in d.operator.asked if q.kind is QuestionKind.STEP_FAILED]


def test_the_default_pauses_resumably_naming_the_missing_action(drive, cloud) -> None:
    cloud.scripts["dns"] = DriverScript(
        fail_start=CloudError(
            "route53.ChangeResourceRecordSets on app: AccessDenied: not authorized",
            code="AccessDenied",
            action="route53:ChangeResourceRecordSets",
        )
    )
    d = drive()
    assert d.code == 130
    reason = d.of("session.end")[0]["reason"]
    assert "route53:ChangeResourceRecordSets" in reason and "turnout policy" in reason
    assert not d.of("rollback.start")
