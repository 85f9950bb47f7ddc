"""Four-eyes approval in the engine (tui/engine/approvals.py): the session waits, guardrails
still watched, until a decision file from another person arrives (tui/audit/approval_inbox.py);
a denial or the timeout is the question's "no"; the operator cannot approve themselves;
--auto-approve never approves; every decision is chained into the log.

The approver here is a thread that waits (on a condition: the log's `approval.requested`) and
delivers a decision exactly as `turnout approve` does. The two-process version, against the
rehearsal world, is tests/commands/test_approve.py."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tests.engine.approving import BOB, OPERATOR_ARN, approver, decide, finish, until_logged
from tests.engine.fakes import FakeOperator
from tui.audit.approval_inbox import APPROVE, DENY, deliver, waiting_requests
from tui.audit.chain import read_log, require_intact
from tui.engine import events
from tui.engine.auto_approve import AutoApproving
from tui.engine.ports import QuestionKind

ONE_STEP = """
runbook: test-approve
title: Four eyes
target: {account: "123456789012", region: us-east-1}
steps:
  - id: shift
    action: elbv2.set_weights
    with: {load_balancer: web-alb, weights: {web-blue: 50, web-green: 50}}
    approvals: {required: 1, timeout: 10m}
    guardrails:
      - name: error rate
        metric: {namespace: Test, name: ErrorRate, stat: Average}
        max: 1
        for: 2
        on_breach: warn
"""

IRREVERSIBLE = """
runbook: test-approve-irreversible
title: Four eyes on the switchover
target: {account: "123456789012", region: us-east-1}
approvals: {required: 1, from: ["arn:aws:sts::123456789012:assumed-role/ops/*"]}
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


def test_the_step_waits_for_another_persons_approval_and_chains_it(drive, tmp_path) -> None:
    thread = approver(tmp_path, each=decide(APPROVE, reason="looked at the canary"))
    d = drive(ONE_STEP)
    finish(d)
    thread.join(5)
    assert d.code == 0, d.session.summary
    types = d.types("approval.")
    assert types == ["approval.requested", "approval.given", "approval.ended"]
    request, given, ended = (d.of(t)[0] for t in types)
    assert request["step"] == "shift" and request["required"] == 1
    assert request["operator"]["arn"] == OPERATOR_ARN and request["operator"]["os_user"] == "alice"
    assert "Run step shift" in request["shown"]
    assert given["approver"]["arn"] == BOB["arn"] and given["reason"] == "looked at the canary"
    assert ended["outcome"] == "approved"
    actor = next(r.actor for r in d.records if r.type == "approval.given")
    assert actor.startswith("bob (")
    # The approval sits between the operator's yes and the change.
    order = [r.type for r in d.records]
    assert (
        order.index("confirm.answer") < order.index("approval.given") < order.index("undo.captured")
    )
    require_intact(read_log(d.dir))


def test_a_denial_stops_the_step_like_a_no(drive, tmp_path) -> None:
    thread = approver(tmp_path, each=decide(DENY, reason="error budget spent"))
    d = drive(ONE_STEP)
    finish(d)
    thread.join(5)
    assert d.code == 130 and not d.started()
    assert d.of("approval.denied")[0]["reason"] == "error budget spent"
    assert d.of("approval.ended")[0]["outcome"] == "denied"
    [end] = d.of("step.end")
    assert end["status"] == "cancelled" and "bob" in end["error"]


def test_the_operator_cannot_approve_their_own_step(drive, tmp_path) -> None:
    """Alice's own approval (her ARN) is refused and recorded; Bob's then counts."""
    alice = {"arn": OPERATOR_ARN, "os_user": "alice2", "host": "elsewhere"}
    delivered: list[int] = []

    def each(found: Any) -> None:
        deliver(found[0], found[1], APPROVE, "", alice)
        delivered.append(1)
        # Bob only after the refusal is in the log: the order is the test's, not a race's.
        until_logged(found[0], "approval.refused")
        deliver(found[0], found[1], APPROVE, "", BOB)

    thread = approver(tmp_path, each=each)
    d = drive(ONE_STEP)
    finish(d)
    thread.join(5)
    assert d.code == 0
    [refused] = d.of("approval.refused")
    assert "operator's own AWS identity" in refused["why"]
    assert d.of("approval.given")[0]["approver"]["os_user"] == "bob"


def test_the_same_os_user_on_the_same_host_is_the_operator(drive, tmp_path) -> None:
    import socket

    same = {"arn": BOB["arn"], "os_user": "alice", "host": socket.gethostname()}
    thread = approver(tmp_path, each=decide(APPROVE, who=same))
    d = drive(ONE_STEP.replace("timeout: 10m", "timeout: 30s"), before=_move_clock_on_refusal)
    finish(d)
    thread.join(5)
    assert d.code == 130, "never approved: the wait timed out"
    assert "is the operator" in d.of("approval.refused")[0]["why"]
    assert d.of("approval.ended")[0]["outcome"] == "timeout"


def _move_clock_on_refusal(session: Any) -> None:
    """Once the refusal is written, move the test's clock past the approval's deadline."""
    log = session.core.log
    original = log.approval_refused

    def refused(*args: Any, **kw: Any) -> Any:
        record = original(*args, **kw)
        session.core.clock.advance(60)
        return record

    log.approval_refused = refused  # type: ignore[method-assign]


def test_a_timeout_stops_like_a_no_and_auto_approve_never_approves(drive, tmp_path, clock) -> None:
    """Behind --auto-approve the operator's yes is automatic; the approval is not: nobody
    approves, the deadline passes on the engine clock, the step stops as a "no" would."""
    mover = threading.Thread(target=_advance_when_requested, args=(tmp_path, clock), daemon=True)
    mover.start()
    d = drive(ONE_STEP, before=lambda s: setattr(s.core, "operator", AutoApproving(FakeOperator())))
    mover.join(5)
    assert d.code == 130 and not d.started()
    assert d.types("approval.") == ["approval.requested", "approval.ended"]
    assert d.of("approval.ended")[0]["outcome"] == "timeout"
    answers = d.of("confirm.answer")
    assert [a["answer"] for a in answers] == ["yes"]  # the operator's, auto-approved


def _advance_when_requested(parent: Path, clock: Any) -> None:
    for _ in range(4000):
        dirs = [d for d in parent.glob("s*") if (d / "audit.jsonl").exists()]
        if dirs and waiting_requests(dirs[-1]):
            clock.advance(11 * 60)
            return
        threading.Event().wait(0.05)


def test_guardrails_are_watched_while_the_approval_waits(drive, tmp_path, clock, cloud) -> None:
    """The canary's guardrail is polled (recorded, shown) each poll while the approval waits:
    the step before keeps its watch through the next step's wait."""
    text = ONE_STEP.replace("    approvals: {required: 1, timeout: 10m}\n", "").replace(
        "    guardrails:", "    bake: 1m\n    guardrails:"
    ) + (
        "  - id: more\n"
        "    action: elbv2.set_weights\n"
        "    with: {load_balancer: web-alb, weights: {web-blue: 0, web-green: 100}}\n"
        "    approvals: {required: 1}\n"
    )
    polls = threading.Semaphore(0)

    class Counting(FakeOperator):
        def notify(self, event: Any) -> None:
            super().notify(event)
            if isinstance(event, events.GuardrailsPolled):
                polls.release()

    def each(found: Any) -> None:
        while polls.acquire(blocking=False):  # the bake's polls, before the request
            pass
        for _ in range(3):  # three polls of the previous step's guardrail while it waits
            clock.advance(10)
            for _ in range(300):  # a poll, however slow the engine's thread is to make it
                if polls.acquire(timeout=0.1):
                    break
            else:
                break  # no poll: Bob approves anyway, and the assertions below say so
        deliver(found[0], found[1], APPROVE, "", BOB)

    thread = approver(tmp_path, each=each)
    d = drive(text, before=lambda s: setattr(s.core, "operator", Counting()))
    finish(d)
    thread.join(5)
    assert d.code == 0
    order = [(r.type, r.payload.get("phase")) for r in d.records]
    start = order.index(("approval.requested", None))
    end = order.index(("approval.ended", None))
    assert sum(1 for t, p in order[start:end] if t == "guardrail.evaluated" and p == "after") >= 3


def test_the_runbooks_rule_covers_the_irreversible_step_and_its_from_list(
    drive, tmp_path, cloud
) -> None:
    """`approvals` on the runbook: the irreversible switchover waits; the first step does not.
    An approver outside `from` is refused; one inside counts."""
    outsider = {"arn": "arn:aws:iam::123456789012:user/carol", "os_user": "carol", "host": "c"}

    def each(found: Any) -> None:
        deliver(found[0], found[1], APPROVE, "", outsider)
        until_logged(found[0], "approval.refused")
        deliver(found[0], found[1], APPROVE, "", BOB)

    thread = approver(tmp_path, each=each)
    d = drive(IRREVERSIBLE)
    finish(d)
    thread.join(5)
    assert d.code == 0, d.session.summary
    [request] = d.of("approval.requested")
    assert request["step"] == "switch" and request["kind"] == "typed"
    assert "is not one of" in d.of("approval.refused")[0]["why"]
    assert [k for k in d.operator.kinds() if k is QuestionKind.TYPED]
