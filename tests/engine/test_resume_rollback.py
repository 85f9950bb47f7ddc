"""A session whose log shows a rollback resumes by finishing it, never by going forward, and
verifies the guardrails of every step the rollback covers, from any point it was cut off."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY
from tests.engine.fakes import DriverScript
from tests.engine.test_session_resume import Crash, last_drive, resume
from tui.audit.resume import resume_state


def die_after(method: str, when=lambda *a, **k: True):
    """A `before` hook: the process dies right after the log writes this record durably."""

    def hook(session) -> None:
        log = session.core.log
        real = getattr(log, method)

        def then_die(*args, **kwargs):
            record = real(*args, **kwargs)
            if when(*args, **kwargs):
                raise Crash
            return record

        setattr(log, method, then_die)

    return hook


@pytest.fixture
def breaching(cloud):
    """The shift's error rate breaches while the shift's change is in place."""
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if "shift" in cloud.changed else 0.1
    return cloud


def _crashed(drive, hook):
    with pytest.raises(Crash):
        drive(before=hook)
    return last_drive(drive)


def _forward_starts(d) -> list[dict]:
    return [r.payload for r in d.records if r.type == "step.start" and r.payload["step"] == "shift"]


def test_killed_after_rollback_end_the_resume_verifies_and_never_goes_forward(
    drive, breaching, clock
):
    d = _crashed(drive, die_after("rollback_end"))
    state = resume_state(d.dir)
    assert state.rollback_begun and state.rollback_ended and not state.ended
    code, _ = resume(d, breaching, clock)
    assert code == 3
    # the shift was made once, undone once, and never made again (the old code ran it again:
    # attempt 2 shifted the traffic back onto the breaching side)
    assert [s for what, s in breaching.calls if what == "start"] == ["backup", "shift"]
    assert breaching.calls.count(("undo", "shift")) == 1
    assert [p["attempt"] for p in _forward_starts(d)] == [1]
    verified = [r.payload for r in d.records if r.type == "guardrail.evaluated"]
    assert verified[-1]["phase"] == "verify" and verified[-1]["name"] == "error rate"
    assert d.records[-1].payload["exit_code"] == 3


def test_killed_after_the_cancelled_step_ended_verification_reads_its_guardrails(
    drive, cloud, clock
):
    # The error rate stays bad after the undo: verification must see it and end 4.
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if cloud.calls.count(("start", "shift")) else 0.1
    cancelled = die_after("step_end", lambda step, status, **k: status == "cancelled")
    d = _crashed(drive, cancelled)
    state = resume_state(d.dir)
    assert state.in_flight is None and state.rolling_back
    assert "shift" in state.rollback_steps
    code, session = resume(d, cloud, clock)
    # the old code found no guardrail to verify and said "rolled back" (3): healthy
    assert code == 4, session.summary
    assert "error rate" in session.summary
    names = {r.payload["name"] for r in d.records if r.type == "guardrail.evaluated"}
    assert "error rate" in names


@pytest.mark.parametrize("record", ["rollback_start", "rollback_step", "rollback_end"])
def test_every_resume_point_of_a_rollback_verifies_the_undone_steps(
    drive, breaching, clock, record
):
    d = _crashed(drive, die_after(record))
    code, _ = resume(d, breaching, clock)
    assert code == 3
    assert breaching.calls.count(("start", "shift")) == 1
    assert breaching.calls.count(("undo", "shift")) == 1
    after = [r for r in d.records if r.seq > resume_state(d.dir).fold.resumes[0].seq]
    assert not [r for r in after if r.type == "step.start"]  # nothing forward after the resume
    phases = [r.payload["phase"] for r in after if r.type == "guardrail.evaluated"]
    assert phases and set(phases) == {"verify"}


def test_a_resumed_undo_is_looked_for_in_aws_before_it_is_sent_again(drive, breaching, clock):
    # Dies after the undo's rollback.step is due but before it is written: the undo may have
    # reached AWS. On resume AWS shows it done, so it is not sent again.
    d = _crashed(drive, die_after("rollback_start"))
    breaching.calls.clear()
    breaching.scripts["shift"] = DriverScript(found_undone=True)
    breaching.changed.discard("shift")  # what the undo sent before the crash did
    code, _ = resume(d, breaching, clock)
    assert code == 3
    assert ("find_undone", "shift") in breaching.calls
    assert ("undo", "shift") not in breaching.calls  # the old code sent it again


def test_verification_does_not_pass_on_silence_alone(drive, cloud, clock, operator):
    # After the rollback nothing reports at all: nothing shows the side taking the traffic is
    # healthy, so the session does not say "rolled back" (3).
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if "shift" in cloud.changed else None
    d = drive(CANARY)
    assert d.code == 4, d.session.summary
    assert "no data" in d.session.summary


BLUE_GUARDED = (
    CANARY
    + """
rollback:
  - id: blue-takes-over
    action: manual
    with: {instructions: Say that traffic is back on blue}
    guardrails:
      - name: blue error rate
        metric: {namespace: Test, name: BlueErrorRate, stat: Average}
        max: 1
        for: 2
        on_breach: rollback
"""
)


@pytest.mark.parametrize(("blue", "code"), [(0.1, 3), (9.0, 4)])
def test_verification_reads_the_side_now_taking_the_traffic(drive, breaching, blue, code):
    """The shift's guardrail (green) goes silent after the rollback; blue, named by the
    runbook's rollback step, decides: healthy verifies (3), failing does not (4)."""
    breaching.metrics["ErrorRate"] = lambda t: 5.0 if "shift" in breaching.changed else None
    breaching.metrics["BlueErrorRate"] = lambda t: blue
    d = drive(BLUE_GUARDED)
    assert d.code == code, d.session.summary
    verified = {r.payload["name"] for r in d.records if r.payload.get("phase") == "verify"}
    assert verified == {"error rate", "blue error rate"}
