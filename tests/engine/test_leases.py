"""One operator per target: a session leases every resource its runbook changes before its first
change, and a session whose runbook touches a leased resource is refused (exit 5), changing
nothing (issue 14). These run on the local lease store; tests/aws/test_leases_dynamodb.py pins
the DynamoDB one and tests/rehearsal/test_lease_collision.py two processes on one world."""

from __future__ import annotations

import os
import socket

from tests.conftest import CANARY
from tui.audit.leases_local import LocalLeaseStore
from tui.engine.leasing import Leasing
from tui.engine.options import SessionOptions
from tui.runbook.actions import CATALOGUE
from tui.runbook.loader import load_text
from tui.runbook.model import Risk
from tui.runbook.mutates import MUTATING_ACTIONS, mutated_resources

LISTENER = "123456789012/us-east-1/elbv2/listener/web-alb:80"

OTHER_RUNBOOK = """
runbook: other-canary
title: Another runbook on the same listener
target: {account: "123456789012", region: us-east-1}
steps:
  - id: all-blue
    action: elbv2.set_weights
    with: {load_balancer: web-alb, port: 80, weights: {web-blue: 100, web-green: 0}}
"""


def _options(store: LocalLeaseStore, **more: object) -> SessionOptions:
    return SessionOptions(poll=10, runbook_sha256="0" * 64, leases=store, **more)


def _foreign(
    store: LocalLeaseStore,
    key: str,
    *,
    host: str = "ops-laptop",
    pid: int = 4242,
    expires_at: float = 4102444800.0,
) -> dict:
    holder = {
        "lease_key": key,
        "who": "bob",
        "arn": "arn:aws:sts::123456789012:assumed-role/oncall/bob",
        "host": host,
        "pid": pid,
        "since": "2026-12-07T06:00:00Z",
        "session_id": "20261207T060000Z-alb-canary",
        "session_dir": "/home/bob/sessions/20261207T060000Z-alb-canary",
        "runbook": "alb-canary",
        "expires_at": expires_at,
    }
    assert store.take(holder) is None
    return holder


def test_the_resources_a_runbook_changes_are_named_the_same_whichever_runbook_names_them():
    canary = {r.resource for r in mutated_resources(load_text(CANARY))}
    assert canary == {
        "ec2/image/backup",
        "ec2/instance/web-1",
        "elbv2/listener/web-alb:80",
        "route53/record/shop.example.com/app.shop.example.com",
    }
    other = {r.resource for r in mutated_resources(load_text(OTHER_RUNBOOK))}
    assert "elbv2/listener/web-alb:80" in canary & other


def test_every_mutating_action_of_the_catalogue_names_its_resource():
    mutating = {name for name, spec in CATALOGUE.items() if spec.risk is not Risk.READ_ONLY}
    assert mutating <= MUTATING_ACTIONS


def test_a_session_whose_target_is_leased_is_refused_with_exit_5_naming_the_holder(drive, tmp_path):
    store = LocalLeaseStore(tmp_path / ".leases")
    _foreign(store, LISTENER)
    run = drive(CANARY, options=_options(store))
    assert run.code == 5
    assert run.started() == []  # nothing changed
    assert run.operator.kinds() == []  # not even the checklist was asked
    assert run.types("lease.") == ["lease.refused"]
    refusal = run.session.summary
    for named in (
        "bob",
        "assumed-role/oncall/bob",
        "ops-laptop",
        "4242",
        "2026-12-07T06:00:00Z",
        "20261207T060000Z-alb-canary",
        "--break-lease",
        "web-alb:80",
    ):
        assert named in refusal
    # A refusal changes nothing: the leases taken before the refused one were given back.
    remaining = list((tmp_path / ".leases").glob("*.json"))
    assert len(remaining) == 1


def test_a_session_takes_its_leases_before_its_first_change_and_releases_them_at_its_end(
    drive, tmp_path
):
    store = LocalLeaseStore(tmp_path / ".leases")
    run = drive(CANARY, options=_options(store))
    assert run.code == 0
    types = run.types()
    assert types.index("lease.taken") < types.index("step.start")
    assert types.index("lease.released") < types.index("session.end")
    taken = run.of("lease.taken")[0]
    assert taken["local_only"] is True
    assert LISTENER in {lease["lease_key"] for lease in taken["leases"]}
    assert list((tmp_path / ".leases").glob("*.json")) == []
    # The session said its leases protect this sessions directory only.
    assert any("local only" in getattr(e, "text", "") for e in run.operator.events)


def test_two_runbooks_on_the_same_listener_collide(drive, tmp_path):
    store = LocalLeaseStore(tmp_path / ".leases")
    held: list[int] = []

    def second_session_meanwhile(session) -> None:
        # While the first session holds its leases, the other runbook starts and is refused.
        original = session.steps.run

        def run_step(step, index, attempt=1):
            if not held:
                held.append(drive(OTHER_RUNBOOK, options=_options(store)).code)
            return original(step, index, attempt=attempt)

        session.steps.run = run_step

    first = drive(CANARY, options=_options(store), before=second_session_meanwhile)
    assert held == [5] and first.code == 0
    assert drive(OTHER_RUNBOOK, options=_options(store)).code == 0  # after the first ended


def test_break_lease_breaks_a_dead_holders_lease_and_records_it(drive, tmp_path):
    store = LocalLeaseStore(tmp_path / ".leases")
    holder = _foreign(store, LISTENER, expires_at=1.0)
    run = drive(CANARY, options=_options(store, break_lease=True))
    assert run.code == 0
    broken = run.of("lease.broken")
    assert [b["lease_key"] for b in broken] == [LISTENER]
    assert broken[0]["previous_holder"]["session_id"] == holder["session_id"]
    assert run.types("lease.") == ["lease.broken", "lease.taken", "lease.released"]


def test_break_lease_never_breaks_the_lease_of_a_live_process_on_this_host(drive, tmp_path):
    store = LocalLeaseStore(tmp_path / ".leases")
    _foreign(store, LISTENER, host=socket.gethostname(), pid=os.getpid())
    run = drive(CANARY, options=_options(store, break_lease=True))
    assert run.code == 5
    assert "alive on this host" in run.session.summary
    assert run.of("lease.broken") == []


def test_the_same_session_retakes_its_own_lease_and_renewal_moves_the_expiry(tmp_path):
    store = LocalLeaseStore(tmp_path / ".leases")
    holder = _foreign(store, LISTENER, expires_at=100.0)
    assert store.take({**holder, "pid": 999}) is None  # a resume: same session id
    assert store.renew(LISTENER, holder["session_id"], 700.0)
    assert store.take({**holder, "session_id": "another"})["expires_at"] == 700.0
    assert not store.renew(LISTENER, "another", 800.0)


def test_renewal_reports_a_lease_broken_by_another_session(tmp_path, clock):
    from tui.audit.session_log import SessionLog
    from tui.aws.protocol import Identity

    store = LocalLeaseStore(tmp_path / ".leases")
    (tmp_path / "s").mkdir()
    log = SessionLog.create(tmp_path / "s", clock, operator="alice")
    wall = [1000.0]
    lost: list[str] = []
    leasing = Leasing(store, log, wall=lambda: wall[0], every=3600, on_lost=lost.append)
    identity = Identity("123456789012", "arn:aws:sts::123456789012:user/alice", "us-east-1")
    assert leasing.take(load_text(OTHER_RUNBOOK), identity, str(tmp_path / "s")) is None
    wall[0] = 1120.0
    leasing.renew()
    current = store.take({"lease_key": LISTENER, "session_id": "x"})
    assert current["expires_at"] == 1120.0 + leasing.ttl
    assert store.break_lease(LISTENER, "s")
    leasing.renew()
    assert lost and LISTENER in lost[0]
    leasing.release()
    log.close()


def test_verify_and_the_report_tell_the_lease_story(drive, tmp_path):
    from tui.audit.chain import read_log
    from tui.audit.report.model import build_report
    from tui.audit.verify import verify

    store = LocalLeaseStore(tmp_path / ".leases")
    _foreign(store, LISTENER, expires_at=1.0)
    refused = drive(CANARY, options=_options(store))
    verdict = verify(refused.dir)
    assert verdict.ok and "refused: target leased by another session 1×" in verdict.text
    broke = drive(CANARY, options=_options(store, break_lease=True))
    report = build_report(read_log(broke.dir))
    lines = {entry.type: entry for entry in report.timeline}
    assert "20261207T060000Z-alb-canary" in lines["lease.broken"].text
    assert lines["lease.broken"].alert
    assert LISTENER in lines["lease.taken"].text
    assert [r.type for r in report.fold.leases] == ["lease.broken", "lease.taken", "lease.released"]


def test_a_session_retakes_the_lease_its_killed_process_left(drive, tmp_path):
    """`turnout resume` of a session killed with -9: the same session id is the same holder,
    so its own lease (left behind, on a dead pid) is retaken without --break-lease."""
    store = LocalLeaseStore(tmp_path / ".leases")
    left = _foreign(store, LISTENER)
    left_by_me = {**left, "session_id": "s1", "pid": 1}
    store.release(LISTENER, left["session_id"])
    assert store.take(left_by_me) is None
    run = drive(CANARY, options=_options(store))  # drive's first session directory is s1
    assert run.code == 0 and run.of("lease.broken") == []
