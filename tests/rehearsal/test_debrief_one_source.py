"""The debrief's numbers agree everywhere: read once (after the world stepped past the session's
end), users' first errors counted in the window the errors are, and the time to roll back
measured until traffic was restored, not until the verification after it ended."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from tests.session_logs import started_log
from tui.clock import ManualClock
from tui.commands.debrief_view import DebriefOnce, build_debrief, debrief_rows
from tui.rehearsal.debrief import Ledger, Sample

START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def _session(tmp_path, *, rollback: bool = False):
    """A session of 10 minutes; with `rollback`, a guardrail decides at 2m, the canary's undo
    (a mutating call) is done at 2m05s, the channel is told by hand at 4m, and the verification
    runs until 9m."""
    clock = ManualClock(START)
    log = started_log(tmp_path, clock, "alice")
    if rollback:
        clock.advance(120)
        log.guardrail(
            "canary",
            name="green 5xx rate",
            value=50.0,
            metrics={},
            breached=True,
            threshold={"max": 1},
            decision="rollback",
        )
        log.rollback_start(trigger="guardrail", reason="5xx", plan=["canary", "tell-the-channel"])
        params = {"ListenerArn": "x"}
        log.api_intent(
            "canary", service="elbv2", operation="ModifyListener", params=params, rollback=True
        )
        clock.advance(5)
        log.rollback_step("canary", ok=True)
        clock.advance(115)  # a person reads the manual step's instructions
        log.rollback_step("tell-the-channel", ok=True)
        log.rollback_end(ok=True)
        clock.advance(300)  # the verification: guardrails watched until healthy
        clock.advance(60)
    else:
        clock.advance(600)
    log.session_end(3 if rollback else 0)
    log.close()
    return tmp_path


def test_the_app_and_the_printed_table_show_one_reading_of_the_ledger(tmp_path) -> None:
    session = _session(tmp_path)
    ledger = Ledger()
    ledger.record(Sample(_at(300), 6000, 9, 0.1))
    # The world's turn under way as the session ended: stamped before the end, in the ledger
    # only once the turn is done. Read at once, the app missed it; read a second later, the
    # table had it ("9 of 12097" against "9 of 12149").
    in_flight = Sample(_at(599), 52, 0, 0.1)
    early = build_debrief("bad-ami", ledger, session)

    once = DebriefOnce(
        lambda d: build_debrief("bad-ami", ledger, d), caught_up=lambda: ledger.record(in_flight)
    )
    title, in_app = once.in_app(session)
    out = io.StringIO()
    once.print(session, Console(file=out, width=120))
    served = dict(in_app)["errors served to users"]
    assert served == "9 of 6052 (0.15 %)"
    assert served in out.getvalue()
    assert title in out.getvalue()
    assert (early.requests, once.debrief(session).requests) == (6000, 6052)  # the old race


def test_users_first_saw_errors_whenever_errors_were_served(tmp_path) -> None:
    session = _session(tmp_path)
    ledger = Ledger()
    # 17 errors in 30 983 requests, never 1 % in any interval: the old threshold said "never"
    for minute, (requests, errors) in enumerate([(3000, 0), (3000, 5), (24983, 12)]):
        ledger.record(Sample(_at(60 * (minute + 1)), requests, errors, 0.1))
    rows = dict(debrief_rows(build_debrief("healthy", ledger, session, faults_planned=False)))
    assert rows["errors served to users"] == "17 of 30983 (0.05 %)"
    assert rows["users first saw errors"] == _at(120).strftime("%H:%M:%S")


def test_no_errors_served_is_never(tmp_path) -> None:
    session = _session(tmp_path)
    ledger = Ledger()
    ledger.record(Sample(_at(60), 3000, 0, 0.1))
    ledger.record(Sample(_at(700), 3000, 40, 0.1))  # after the session: not its errors
    rows = dict(debrief_rows(build_debrief("healthy", ledger, session, faults_planned=False)))
    assert rows["users first saw errors"] == "never"
    assert rows["errors served to users"] == "0 of 3000 (0.00 %)"


def test_time_to_roll_back_ends_when_traffic_was_restored(tmp_path) -> None:
    session = _session(tmp_path, rollback=True)
    ledger = Ledger()
    ledger.fault_began("bad image (bad-ami)", _at(30))
    ledger.record(Sample(_at(60), 3000, 40, 0.1))
    debrief = build_debrief("bad-ami", ledger, session)
    # restored at the canary's undo (5 s after the decision), not at the manual step (2 min)
    # nor at the end of the verification (7 min)
    assert debrief.time_to_roll_back == 5.0
    assert dict(debrief_rows(debrief))["time to roll back"] == "5s"
    assert debrief.time_to_detect == 60.0  # from users' first errors at 1m to the decision
