"""The session state machine on a ManualClock with the fake Cloud: what runs, what is asked,
what is recorded, and the exit code."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import CANARY
from tests.engine.fakes import DriverScript
from tui.aws.protocol import CloudError
from tui.engine import events, questions
from tui.engine.options import SessionOptions
from tui.engine.ports import Answer, QuestionKind


def errors_from(start, minutes: float, cloud=None, value: float = 5.0):
    """ErrorRate turns bad `minutes` after `start`; with `cloud`, only while the shift step's
    change is in place (its undo heals it, as a rollback would)."""

    def rate(t):
        healed = cloud is not None and "shift" not in cloud.changed
        return value if t >= start + timedelta(minutes=minutes) and not healed else 0.1

    return rate


def test_a_healthy_run_completes_in_order_and_the_log_verifies(drive) -> None:
    d = drive()
    assert d.code == 0
    assert d.started() == ["backup", "shift", "dns"]
    assert d.operator.kinds() == [QuestionKind.CHECKLIST, QuestionKind.CONFIRM]
    types = d.types()
    assert types[0] == "session.start" and types[-1] == "session.end"
    assert d.of("session.end")[0]["outcome"] == "completed"
    # undo data is durable before the step's change: undo.captured precedes the progress
    shift = [r.type for r in d.records if r.payload.get("step") == "shift"]
    assert shift.index("undo.captured") < shift.index("step.progress")
    # the bake polled the guardrail every 10 s for 5 minutes, each poll recorded
    polls = [p for p in d.of("guardrail.evaluated") if p["phase"] == "bake"]
    assert len(polls) == 30 and all(not p["breached"] for p in polls)


def test_identity_mismatch_refuses_before_any_change(drive, cloud) -> None:
    from tui.aws.protocol import Identity

    cloud.ident = Identity("999999999999", "arn:aws:iam::999999999999:user/x", "us-east-1")
    d = drive()
    assert d.code == 5
    assert d.cloud.calls == [] and d.operator.asked == []
    end = d.of("session.end")[0]
    assert "999999999999" in end["reason"] and "123456789012" in end["reason"]
    assert d.of("session.start")[0]["aws"]["account"] == "999999999999"


def test_a_failed_precondition_refuses_with_exit_5_and_starts_nothing(drive, cloud) -> None:
    cloud.reads["healthy_targets"] = 1
    d = drive()
    assert d.code == 5
    assert d.started() == ["backup"]  # shift never started
    (check,) = d.of("precondition.evaluated")
    assert (check["name"], check["passed"], check["observed"]) == ("green healthy", False, 1)
    assert check["expected"] == {"min": 2}
    assert d.of("step.end")[-1] == {
        "step": "shift",
        "status": "refused",
        "error": "green healthy: healthy_targets is 1",
        "detail": {},
    }
    assert "green healthy" in d.of("session.end")[0]["reason"]
    assert QuestionKind.PRECONDITION in d.operator.kinds()


def test_an_override_needs_a_typed_reason_and_is_recorded(drive, cloud, operator) -> None:
    cloud.reads["healthy_targets"] = 1
    operator.answers[QuestionKind.PRECONDITION] = [
        Answer(questions.OVERRIDE, "alice"),  # no reason: asked again
        Answer(questions.OVERRIDE, "alice", text="green has 2 more instances booting"),
    ]
    d = drive()
    assert d.code == 0
    assert d.started() == ["backup", "shift", "dns"]
    answers = [a for a in d.of("confirm.answer") if a["step"] == "shift"]
    override = answers[0]
    assert override["answer"] == "override" and override["accepted"] is True
    assert override["typed"] == "green has 2 more instances booting"
    assert d.operator.kinds().count(QuestionKind.PRECONDITION) == 2


def test_a_rollback_breach_unanswered_times_out_into_rollback(
    drive, cloud, operator, clock
) -> None:
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 2, cloud)

    def nobody_answers(question):  # as a front end does: wait out the deadline, take the default
        clock.advance((question.deadline - clock.now()).total_seconds())
        return Answer(question.default, "turnout", timed_out=True)

    operator.answers[QuestionKind.BREACH] = nobody_answers
    d = drive()
    assert d.code == 3
    breach = next(q for q in d.operator.asked if q.kind is QuestionKind.BREACH)
    assert breach.default == "rollback"
    prompt = next(p for p in d.of("confirm.prompt") if p["kind"] == "breach")
    assert (prompt["timeout_s"], prompt["default_on_timeout"]) == (120.0, "rollback")
    (start,) = d.of("rollback.start")
    assert start["trigger"] == "timeout" and start["plan"] == ["shift"]
    answer = next(a for a in d.of("confirm.answer") if a["answer"] == "timeout")
    assert answer["accepted"] is False
    decisions = [g for g in d.of("guardrail.evaluated") if g["decision"]]
    assert decisions and decisions[0]["consecutive"] == 3 and decisions[0]["needed"] == 3
    # the in-flight step was cancelled then undone; dns never ran
    assert ("cancel", "shift") in d.cloud.calls and ("undo", "shift") in d.cloud.calls
    assert "dns" not in d.started()
    assert d.of("rollback.end")[0]["outcome"] == "completed"


def test_breach_is_detected_after_for_periods_within_one_poll(
    drive, cloud, operator, clock
) -> None:
    bad_from = clock.now() + timedelta(minutes=2)
    cloud.metrics["ErrorRate"] = lambda t: 5.0 if t >= bad_from else 0.1
    d = drive()
    asked_at = next(
        r.time for r in d.records if r.type == "confirm.prompt" and r.payload["kind"] == "breach"
    )
    # minutes 2, 3, 4 breach: the third breaching datapoint exists from minute 4 on
    delay = (asked_at - (bad_from + timedelta(minutes=2))).total_seconds()
    assert 0 <= delay <= 10


def test_rollback_undoes_completed_steps_in_reverse_with_explicit_replacements(
    drive, cloud, operator
) -> None:
    text = (
        CANARY.replace("    bake: 5m\n", "")
        + """
  - id: hold
    action: wait
    with: {duration: 3m}
    guardrails:
      - name: error rate again
        metric: {namespace: Test, name: ErrorRate, stat: Average}
        max: 1
        on_breach: rollback
rollback:
  - id: dns-back
    undoes: dns
    action: route53.set_weights
    with: {zone: shop.example.com., record: app.shop.example.com, weights: {blue: 100, green: 0}}
  - id: tell
    action: manual
    with: {instructions: Tell the channel}
"""
    )
    started = {}

    def rate(t):
        return 5.0 if "hold" in started and "shift" in cloud.changed else 0.1

    cloud.metrics["ErrorRate"] = rate

    def watch_hold(session):
        notify = session.core.operator.notify

        def spy(event):
            if isinstance(event, events.StepChanged) and event.step == "hold":
                started["hold"] = True
            notify(event)

        session.core.operator.notify = spy  # type: ignore[method-assign]

    d = drive(text, before=watch_hold)
    assert d.code == 3
    (start,) = d.of("rollback.start")
    assert start["plan"] == ["dns-back", "shift", "tell"]  # backup keeps its image
    undo_calls = [c for c in d.cloud.calls if c[0] in ("undo", "start") and c[1] != "backup"]
    assert undo_calls[-2:] == [("start", "dns-back"), ("undo", "shift")]
    assert [s["step"] for s in d.of("rollback.step")] == ["dns-back", "shift", "tell"]
    manual = [q for q in d.operator.asked if q.kind is QuestionKind.MANUAL]
    assert manual and "Tell the channel" in manual[-1].body


def test_post_rollback_verification_failure_ends_4(drive, cloud, operator, clock) -> None:
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 1)  # and it never recovers
    d = drive(options=SessionOptions(poll=10, runbook_sha256="0" * 64, verify_within=120))
    assert d.code == 4
    end = d.of("session.end")[0]
    assert "not healthy after the rollback within 120s" in end["reason"]
    assert "error rate = 5" in end["reason"]
    rollback_events = [e.phase for e in d.operator.events if isinstance(e, events.RollbackChanged)]
    assert rollback_events[-2:] == ["verifying", "failed"]


def test_post_rollback_verification_passes_when_the_metric_recovers(drive, cloud, clock) -> None:
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 1, cloud)
    d = drive()
    assert d.code == 3
    assert "healthy again" in d.of("session.end")[0]["reason"]
    verify = [g for g in d.of("guardrail.evaluated") if g["phase"] == "verify"]
    assert verify and verify[-1]["value"] == 0.1


def test_a_pause_guardrail_asks_and_continue_needs_a_reason(drive, cloud, operator, clock) -> None:
    text = CANARY.replace(
        "on_breach: rollback\n        confirm_timeout: 2m", "on_breach: pause"
    ).replace("bake: 5m", "bake: 10m")
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 1, cloud)
    operator.answers[QuestionKind.PAUSE] = [
        Answer(questions.CONTINUE, "alice"),  # refused: no reason
        Answer(questions.CONTINUE, "alice", text="known noisy metric"),
        Answer(questions.PAUSE, "alice"),
    ]
    d = drive(text)
    assert d.code == 130
    assert d.operator.kinds().count(QuestionKind.PAUSE) == 3
    assert d.of("session.end")[0]["outcome"] == "interrupted"
    assert "dns" not in d.started()


def test_a_warn_guardrail_notifies_and_carries_on(drive, cloud, clock) -> None:
    text = CANARY.replace("on_breach: rollback\n        confirm_timeout: 2m", "on_breach: warn")
    cloud.metrics["ErrorRate"] = errors_from(clock.now(), 0)
    d = drive(text)
    assert d.code == 0
    warnings = [e for e in d.operator.events if isinstance(e, events.Notice) and e.level == "warn"]
    assert any("guardrail warning" in w.text for w in warnings)
    assert next(g["decision"] for g in d.of("guardrail.evaluated") if g["decision"]) == "warn"


def test_a_cloud_error_asks_step_failed_and_the_default_rolls_back(drive, cloud) -> None:
    cloud.scripts["dns"] = DriverScript(
        fail_start=CloudError("route53.ChangeResourceRecordSets on app: AccessDenied: no")
    )
    d = drive()
    assert d.code == 3
    failed = next(q for q in d.operator.asked if q.kind is QuestionKind.STEP_FAILED)
    assert "AccessDenied" in failed.body and failed.default == "rollback"
    assert d.of("rollback.start")[0]["plan"] == ["dns", "shift"]


def test_retry_after_a_cloud_error_sends_the_change_again_once(drive, cloud, operator) -> None:
    cloud.scripts["dns"] = DriverScript(fail_start=CloudError("Throttling"))
    operator.answers[QuestionKind.STEP_FAILED] = questions.RETRY
    d = drive()
    assert d.code == 0
    assert d.started().count("dns") == 2 and d.cloud.calls.count(("capture", "dns")) == 1


def test_leaving_a_failed_step_ends_4_without_undoing(drive, cloud, operator) -> None:
    cloud.scripts["dns"] = DriverScript(fail_on_poll=1)
    operator.answers[QuestionKind.STEP_FAILED] = questions.LEAVE
    d = drive()
    assert d.code == 4
    assert not [c for c in d.cloud.calls if c[0] == "undo"]


def test_an_unconfirmed_checklist_item_refuses_before_anything(drive, operator) -> None:
    operator.answers[QuestionKind.CHECKLIST] = questions.NO
    d = drive()
    assert d.code == 5 and d.cloud.calls == []
    assert d.of("checklist.answer")[0]["confirmed"] is False


def test_typed_confirmation_needs_the_exact_phrase(drive, operator) -> None:
    text = CANARY.replace(
        "    action: route53.set_weights\n",
        "    action: route53.set_weights\n    confirm: move all traffic\n",
    )
    operator.answers[QuestionKind.TYPED] = [
        Answer(questions.YES, "alice", text="move all"),
        Answer(questions.YES, "alice", text="move all traffic"),
    ]
    d = drive(text)
    assert d.code == 0
    assert d.operator.kinds().count(QuestionKind.TYPED) == 2
    typed = [a for a in d.of("confirm.answer") if a["step"] == "dns"]
    assert typed[0]["typed"] == "move all traffic"


def test_interrupt_asks_and_pause_leaves_a_resumable_session(drive, operator) -> None:
    def interrupt(session):
        session.request_interrupt()

    d = drive(before=interrupt)
    assert d.code == 130
    assert QuestionKind.INTERRUPT in d.operator.kinds()
    assert d.cloud.calls == []  # asked at the first safe point, before any step


def test_operator_rollback_request_is_confirmed_and_rolls_back(drive, operator, clock) -> None:
    sessions = []

    def keep(session):
        sessions.append(session)
        notify = session.core.operator.notify

        def spy(event):
            if isinstance(event, events.StepChanged) and event.state.value == "baking":
                session.request_rollback("bob", "the dashboard looks wrong")
            notify(event)

        session.core.operator.notify = spy  # type: ignore[method-assign]

    operator.answers[QuestionKind.ROLLBACK] = questions.YES
    d = drive(before=keep)
    assert d.code == 3
    asked = next(q for q in d.operator.asked if q.kind is QuestionKind.ROLLBACK)
    assert "bob" in asked.body
    assert d.of("rollback.start")[0]["trigger"] == "operator"


def test_notes_are_attached_to_the_step_under_way(drive) -> None:
    def note(session):
        notify = session.core.operator.notify

        def spy(event):
            if isinstance(event, events.StepChanged) and event.step == "dns":
                session.add_note("watching the dashboards", who="carol")
            notify(event)

        session.core.operator.notify = spy  # type: ignore[method-assign]

    d = drive(before=note)
    notes = [r for r in d.records if r.type == "note"]
    assert notes and notes[0].payload["step"] == "dns" and notes[0].actor == "carol"


def test_session_start_records_the_endpoint_and_the_profile(drive) -> None:
    """Which AWS the calls went to, when not AWS's own: a local endpoint is not production."""
    from tui.engine.options import SessionOptions

    options = SessionOptions(
        poll=10, runbook_sha256="0" * 64, endpoint_url="http://127.0.0.1:46149", profile="ops"
    )
    d = drive(options=options)
    aws = d.of("session.start")[0]["aws"]
    assert (aws["endpoint"], aws["profile"]) == ("http://127.0.0.1:46149", "ops")
