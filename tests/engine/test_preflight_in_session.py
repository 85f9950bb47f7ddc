"""The preflight's place in a session (tui/engine/preflight.py): after the identity, before
the checklist and any step; a failed row refuses (exit 5) naming the missing action, every row
is in the audit log, and a session not asked to run it never does."""

from __future__ import annotations

from tui.aws.protocol import PreflightCheck
from tui.engine.options import SessionOptions

ASKED = SessionOptions(poll=10, runbook_sha256="0" * 64, preflight=True)
MISSING = PreflightCheck(
    "permissions",
    "fail",
    "elasticloadbalancing:ModifyListener is not allowed to arn:aws:iam::123456789012:role/op",
    'add to its policy: {"Action": ["elasticloadbalancing:ModifyListener"]}',
    missing=("elasticloadbalancing:ModifyListener",),
)


def test_a_failed_check_refuses_before_the_checklist_and_any_step(drive, cloud) -> None:
    cloud.preflight_rows = [PreflightCheck("identity", "ok", "op"), MISSING]
    d = drive(options=ASKED)
    assert d.code == 5
    assert d.operator.asked == [] and d.started() == []
    assert [c for c in d.cloud.calls if c[0] == "driver"] == []
    (checked,) = d.of("preflight.checked")
    assert checked["refused"] is True
    assert checked["checks"][1]["missing"] == ["elasticloadbalancing:ModifyListener"]
    assert "elasticloadbalancing:ModifyListener" in d.of("session.end")[0]["reason"]


def test_warnings_are_shown_and_recorded_but_do_not_refuse(drive, cloud) -> None:
    warn = PreflightCheck("metric: RequestCount", "warn", "no datapoints", "check dimensions")
    cloud.preflight_rows = [warn]
    d = drive(options=ASKED)
    assert d.code == 0
    assert d.of("preflight.checked")[0]["refused"] is False


def test_a_session_not_asked_runs_no_preflight(drive, cloud) -> None:
    cloud.preflight_rows = [MISSING]
    d = drive()
    assert d.code == 0
    assert ("preflight", "123456789012") not in d.cloud.calls
    assert d.of("preflight.checked") == []
