"""The runbook's four-eyes rule on overrides, hostile decision files, and the wait ending
otherwise (a pause): tui/engine/approvals.py, the second person from tests/engine/approving.py."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import CANARY
from tests.engine.approving import BOB, approver, decide, finish, until_logged
from tests.engine.fakes import FakeOperator
from tests.engine.test_session import errors_from
from tui.audit.approval_inbox import APPROVE, DENY, INBOX, MAX_BYTES, deliver, open_requests
from tui.audit.chain import read_log
from tui.engine import questions
from tui.engine.ports import Answer, QuestionKind

# The shared canary with the runbook's rule: every override needs Bob (or anyone in ops).
RULED = CANARY.replace(
    "checklist:",
    'approvals: {required: 1, from: [bob, "arn:aws:sts::*:assumed-role/ops/*"]}\nchecklist:',
)


def _override(reason: str) -> Answer:
    return Answer(questions.OVERRIDE, "alice", text=reason)


def test_an_overridden_precondition_waits_and_a_denial_refuses_the_step(
    drive, cloud, operator, tmp_path
) -> None:
    cloud.reads["healthy_targets"] = 1
    operator.answers[QuestionKind.PRECONDITION] = _override("two more are booting")
    thread = approver(tmp_path, each=decide(DENY, reason="not with one healthy target"))
    d = drive(RULED)
    finish(d)
    thread.join(5)
    assert d.code == 5  # the precondition's "no": stop, the step refused
    assert d.started() == ["backup"]
    [request] = d.of("approval.requested")
    assert request["kind"] == "precondition" and request["evidence"] == {"green healthy": 1}
    assert d.of("step.end")[-1]["status"] == "refused"


def test_an_approved_override_goes_on(drive, cloud, operator, tmp_path) -> None:
    cloud.reads["healthy_targets"] = 1
    operator.answers[QuestionKind.PRECONDITION] = _override("two more are booting")
    thread = approver(tmp_path, each=decide(APPROVE))
    d = drive(RULED)
    finish(d)
    thread.join(5)
    assert d.code == 0 and d.started() == ["backup", "shift", "dns"]
    assert d.of("approval.ended")[0]["outcome"] == "approved"
    [end] = d.of("session.end")
    assert (end["overrides"], end["outcome"]) == (1, "completed_with_override")


def test_a_denied_breach_override_rolls_back(drive, cloud, operator, clock, tmp_path) -> None:
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 2, cloud)  # healed by the undo
    operator.answers[QuestionKind.BREACH] = _override("known noise")
    thread = approver(tmp_path, each=decide(DENY, reason="it is not noise"))
    d = drive(RULED)
    finish(d)
    thread.join(5)
    assert d.code == 3  # the breach's "no": roll back
    [request] = d.of("approval.requested")
    assert request["kind"] == "breach"
    assert d.of("rollback.start")[0]["plan"] == ["shift"]
    assert d.of("session.end")[0]["overrides"] == 0  # a denied override did not go on


def test_hostile_decision_files_are_refused_and_recorded_and_the_wait_goes_on(
    drive, tmp_path
) -> None:
    """Not JSON, oversized, another kind, another request's hash, the same person twice when
    two are needed: each recorded as `approval.refused`; two real approvals then count."""
    text = RULED.replace("approvals: {required: 1,", "approvals: {required: 2,").replace(
        "    confirm: true\n", "    confirm: true\n    approvals: {required: 2}\n", 1
    )
    carol = {**BOB, "arn": "arn:aws:sts::123456789012:assumed-role/ops/carol", "os_user": "carol"}

    def each(found: Any) -> None:
        session, request = found
        inbox = session / INBOX
        inbox.mkdir(exist_ok=True)
        prefix = f"{request.seq:06d}-"
        (inbox / f"{prefix}a.json").write_text("{not json")
        (inbox / f"{prefix}b.json").write_text(" " * (MAX_BYTES + 1))
        (inbox / f"{prefix}c.json").write_text(json.dumps({"kind": "other"}))
        elsewhere = tmp_path / "elsewhere"  # made outside the inbox: the session never sees it
        elsewhere.mkdir()
        body = json.loads(deliver(elsewhere, request, APPROVE, "", BOB).read_text())
        body["request_hash"] = "0" * 64
        (inbox / f"{prefix}d.json").write_text(json.dumps(body))
        until_logged(session, "approval.refused", 4)
        deliver(session, request, APPROVE, "", BOB)
        until_logged(session, "approval.given", 1)
        deliver(session, request, APPROVE, "", BOB)  # Bob again: not a second person
        until_logged(session, "approval.refused", 5)
        deliver(session, request, APPROVE, "", carol)

    thread = approver(tmp_path, each=each)
    d = drive(text)
    finish(d)
    thread.join(5)
    assert d.code == 0, d.session.summary
    whys = [r["why"] for r in d.of("approval.refused")]
    assert len(whys) == 5
    assert "unreadable" in whys[0] and "larger than" in whys[1] and "not a" in whys[2]
    assert "another request" in whys[3] and "already approved" in whys[4]
    assert [g["approver"]["os_user"] for g in d.of("approval.given")] == ["bob", "carol"]


def test_a_pause_while_the_approval_waits_ends_resumable_and_closes_the_request(
    drive, tmp_path
) -> None:
    made: list[Any] = []

    def each(found: Any) -> None:
        made[0].request_pause("paused by SIGTERM (asked to stop)")

    thread = approver(tmp_path, each=each)
    d = drive(
        RULED.replace("    confirm: true\n", "    approvals: {required: 1}\n", 1),
        before=made.append,
    )
    finish(d)
    thread.join(5)
    assert d.code == 130
    assert d.of("approval.ended")[0]["outcome"] == "withdrawn"
    assert d.of("step.end")[-1]["status"] == "cancelled"
    assert not open_requests(read_log(d.dir).records)


def test_a_resumed_session_voids_the_requests_before_it(drive, tmp_path) -> None:
    """A request left open by a crash is not answerable after `session.resume`: the resumed
    session asks again."""
    d = drive(
        RULED.replace("    confirm: true\n", "    approvals: {required: 1}\n", 1),
        before=lambda s: s.request_pause("stop"),
    )
    records = read_log(d.dir).records
    assert not open_requests(records)
    fake = type("R", (), {"type": "session.resume", "payload": {}, "seq": 10**6})
    requested = type("R", (), {"type": "approval.requested", "payload": {}, "seq": 7})
    assert open_requests([requested])
    assert not open_requests([requested, fake])


def test_a_session_paused_while_waiting_asks_again_on_resume(drive, cloud, clock, tmp_path):
    """Paused while the approval waits (exit 130); resumed, the step is confirmed and approval
    requested again, and approved this time: the first request is closed `withdrawn`, never
    answerable after the resume."""
    from tui.audit.resume import resume_state
    from tui.audit.session_log import SessionLog
    from tui.engine.options import SessionOptions
    from tui.engine.session import Session
    from tui.runbook.loader import load_text

    text = RULED.replace("    confirm: true\n", "    approvals: {required: 1}\n", 1)
    made: list[Any] = []
    calls: list[int] = []

    def each(found: Any) -> None:
        calls.append(found[1].seq)
        if len(calls) == 1:
            made[-1].request_pause("paused by SIGTERM (asked to stop)")
        else:
            deliver(found[0], found[1], APPROVE, "", BOB)

    thread = approver(tmp_path, each=each)
    d = drive(text, before=made.append)
    assert d.code == 130
    state = resume_state(d.dir)
    log = SessionLog.resume(d.dir, clock, operator="alice")
    session = Session(
        load_text(text),
        cloud,
        FakeOperator(),
        clock,
        log,
        SessionOptions(poll=10, runbook_sha256="0" * 64),
    )
    made.append(session)
    try:
        code = session.resume(state)
    finally:
        log.close()
    finish(d)
    thread.join(5)
    assert code == 0, session.summary
    ended = [r.payload["outcome"] for r in read_log(d.dir).records if r.type == "approval.ended"]
    assert ended == ["withdrawn", "approved"] and len(calls) == 2


def test_while_a_breach_override_waits_for_approval_the_breach_is_not_asked_again(
    drive, cloud, clock, tmp_path
) -> None:
    """The guardrail keeps breaching while Bob reads the override: its polls are recorded and
    shown, but no second breach question opens on top of the one whose override waits."""
    import threading

    from tui.engine import events

    cloud.metrics["ErrorRate"] = lambda t: 5.0
    polls = threading.Semaphore(0)

    class Counting(FakeOperator):
        def notify(self, event: Any) -> None:
            super().notify(event)
            if isinstance(event, events.GuardrailsPolled):
                polls.release()

    person = Counting(answers={QuestionKind.BREACH: _override("known noise")})

    def each(found: Any) -> None:
        while polls.acquire(blocking=False):
            pass
        for _ in range(4):  # four polls of a breaching guardrail while the approval waits
            clock.advance(10)
            for _ in range(300):
                if polls.acquire(timeout=0.1):
                    break
        cloud.metrics["ErrorRate"] = lambda t: 0.1
        deliver(found[0], found[1], APPROVE, "", BOB)

    thread = approver(tmp_path, each=each)
    d = drive(RULED, before=lambda s: setattr(s.core, "operator", person))
    finish(d)
    thread.join(5)
    assert d.code == 0, d.session.summary
    assert person.kinds().count(QuestionKind.BREACH) == 1
    order = [r.type for r in d.records]
    start, end = order.index("approval.requested"), order.index("approval.ended")
    assert order[start:end].count("guardrail.evaluated") >= 4
