"""An irreversible step whose start AWS refused (RDS refusing a Blue/Green switchover while a
long write runs) changed nothing, so the rollback has nothing to undo for it: the session ends
rolled back (3) with the earlier steps undone, not "rollback incomplete: irreversible: restore
by hand" (4), which sent a person after a change that never happened. Whether it happened is
asked of AWS (`find_started`), never assumed: a switchover AWS shows under way is still
irreversible."""

from __future__ import annotations

import pytest

from tests.engine.fakes import DriverScript
from tui.aws.protocol import CloudError
from tui.engine import questions
from tui.engine.ports import Answer, QuestionKind

RUNBOOK = """
runbook: test-refused-switchover
title: A switchover RDS refuses
target: {account: "123456789012", region: us-east-1}
steps:
  - id: first
    action: elbv2.set_weights
    with: {load_balancer: web-alb, weights: {web-blue: 90, web-green: 10}}
  - id: switch
    action: rds.switchover_blue_green
    irreversible: true
    confirm: switch over
    with: {deployment: shop-db-upgrade}
"""


def _refused() -> CloudError:
    return CloudError(
        "rds.SwitchoverBlueGreenDeployment on shop-db-upgrade: InvalidBlueGreenDeploymentState"
        "Fault: Switchover ... was refused by its guardrails: a long-running write is active",
        service="rds",
        operation="SwitchoverBlueGreenDeployment",
        code="InvalidBlueGreenDeploymentStateFault",
    )


@pytest.mark.parametrize(("in_aws", "code"), [(False, 3), (True, 4)])
def test_a_refused_irreversible_start_has_nothing_to_undo_unless_aws_shows_it(
    drive, cloud, operator, in_aws, code
) -> None:
    cloud.scripts["switch"] = DriverScript(fail_start=_refused(), found_started=in_aws)
    operator.answers[QuestionKind.TYPED] = Answer(questions.YES, "alice", text="switch over")
    operator.answers[QuestionKind.STEP_FAILED] = questions.ROLLBACK
    d = drive(RUNBOOK)
    assert d.code == code, d.session.summary
    assert ("undo", "first") in cloud.calls  # the earlier step is undone either way
    assert ("find_started", "switch") in cloud.calls  # asked of AWS, not assumed
    end = d.of("session.end")[-1]
    if in_aws:
        assert "irreversible" in end["reason"]
    else:
        assert "irreversible" not in end["reason"] and end["outcome"] == "rolled_back"
        assert d.of("rollback.end")[-1]["outcome"] == "completed"
