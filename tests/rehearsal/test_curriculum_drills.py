"""Every drill of the curriculum, played by a scripted trainee: a good session and a bad one,
with the score and the reasons checked. In-process on the fast drill clock (drill_play.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rehearsal.drill_play import TIMEOUT, Played, WaitThen, carry_on, override, play
from tui.engine.ports import Answer, QuestionKind
from tui.rehearsal.curriculum import Variant, load_curriculum
from tui.rehearsal.drill_history import read_history
from tui.rehearsal.drill_score import PASS_MARK
from tui.rehearsal.fidelity import throttling

pytestmark = pytest.mark.slow
CURRICULUM = {d.name: d for d in load_curriculum()}
HEALTHY_DRAW = Variant(("healthy",), "completed")


@pytest.fixture
def run(tmp_path: Path):
    worlds: list = []

    def go(name: str, answers=None, **kwargs) -> Played:
        return play(name, tmp_path, answers, worlds=worlds, **kwargs)

    yield go
    for world in worlds:
        world.stop()
    throttling.clear()  # a throttling fault is process-wide in moto


def passed(p: Played) -> None:
    assert p.score.passed, p.reasons
    assert p.score.points >= PASS_MARK
    assert p.score.missed == [], p.reasons


def failed(p: Played, *missed: str) -> None:
    assert not p.score.passed, p.reasons
    for words in missed:
        assert any(words in m for m in p.score.missed), (words, p.reasons)


def not_now(question) -> Answer:
    return Answer("no", "trainee")


def test_the_curriculum_has_a_drill_for_every_shipped_runbook_and_a_compound_one() -> None:
    shipped = {p.stem for p in (Path(__file__).parents[2] / "runbooks").glob("*.yaml")}
    assert shipped <= {d.runbook for d in CURRICULUM.values()}
    assert any(len(d.variant.scenarios) > 1 for d in CURRICULUM.values())
    assert "first-canary" in CURRICULUM
    assert set(CURRICULUM) == set(PLAYS), "every drill needs its good and bad plays here"


# drill -> (good answers, bad answers, what the bad play must be told it missed). The bad
# decisions are each drill's lesson turned round, chosen also so that the whole set plays in
# under 40 s of one core: a bad play that runs every step to the end costs most.
PLAYS = {
    "first-canary": ({}, {QuestionKind.CONFIRM: not_now}, ("ended interrupted",)),
    "canary-bad-ami": (
        {},
        {QuestionKind.BREACH: override},
        ('said "keep going"', "ended completed with override", "requests failed"),
    ),
    "canary-slow-release": (
        {QuestionKind.PAUSE: "rollback"},
        {QuestionKind.PAUSE: carry_on},
        ("went on past the guardrail", "ended completed with override"),
    ),
    "dns-canary-bad-ami": (
        {},
        {QuestionKind.BREACH: TIMEOUT},
        ("countdown rolled back by itself", "traffic restored"),
    ),
    "refresh-bad-ami": ({}, {QuestionKind.BREACH: TIMEOUT}, ("countdown rolled back by itself",)),
    "switchover-replica-lag": (
        {},
        {QuestionKind.PRECONDITION: override},
        ("overrode the failed precondition of switchover",),
    ),
    "switchover-long-write": (
        {QuestionKind.STEP_FAILED: WaitThen(11 * 60, "retry")},  # the write lasts ten minutes
        {},  # rolls back at once: RDS refused it, so nothing to undo, but the upgrade is given up
        ("ended rolled back",),
    ),
    "ecs-bad-task": ({}, {QuestionKind.STEP_FAILED: "leave"}, ("left the failed roll-out",)),
    "spot-throttling": ({}, {QuestionKind.CONFIRM: not_now}, ("ended interrupted",)),
    "auto-recovery": ({}, {QuestionKind.CONFIRM: not_now}, ("ended interrupted",)),
    "release-train": ({}, {QuestionKind.CHECKLIST: "no"}, ("ended refused",)),
    "canary-bad-ami-az-outage": (
        {},
        {QuestionKind.BREACH: TIMEOUT},
        ("countdown rolled back by itself",),
    ),
    # blind: the good play on its own draw; the bad one on the healthy draw, refused for fear
    "blind-canary": ({}, {QuestionKind.CHECKLIST: "no"}, ("ended refused",)),
}
VARIANTS = {("blind-canary", "bad"): HEALTHY_DRAW}
POLLS = {"release-train": 120.0}  # four services, hours of world time: fewer polls


@pytest.fixture
def fast_retries(monkeypatch):
    """The SDK's retries ride through throttling; only their wall-clock backoff is cut short
    (as tests/engine/test_drills.py does)."""
    from botocore.config import Config
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0.0)
    return Config(retries={"mode": "standard", "max_attempts": 10})


def _extra(name: str, request, play: str) -> dict:
    extra: dict = {"poll": POLLS.get(name, 60.0)}
    if (name, play) in VARIANTS:
        extra["variant"] = VARIANTS[name, play]
    if name == "spot-throttling":
        extra["config"] = request.getfixturevalue("fast_retries")
    return extra


@pytest.mark.parametrize("name", sorted(PLAYS))
def test_a_good_session_passes_with_nothing_missed(run, request, name: str) -> None:
    p = run(name, PLAYS[name][0], **_extra(name, request, "good"))
    passed(p)
    drill = CURRICULUM[name]
    assert p.debrief.outcome == drill.variant.expect
    assert ("a good outcome", drill.good) in p.rows
    # the result is in the trainee's history, with the same numbers as the debrief's rows
    (kept,) = read_history(p.coach.sessions, "trainee").results
    assert (kept.drill, kept.points, kept.errors) == (name, p.score.points, p.debrief.errors)
    served = dict(p.rows)["errors served to users"]
    assert served.startswith(f"{p.debrief.errors} of {p.debrief.requests} ")


@pytest.mark.parametrize("name", sorted(PLAYS))
def test_a_bad_session_is_told_what_it_missed(run, request, name: str) -> None:
    _, bad, missed = PLAYS[name]
    p = run(name, bad, **_extra(name, request, "bad"))
    failed(p, *missed)
    for judged in p.score.judgements:
        if judged.lost:  # each reason says what it meant in production and what to read
            assert judged.production and judged.read
    if bad.get(QuestionKind.BREACH) is TIMEOUT:
        _the_countdown_counts_until_traffic_was_back(p)


def _the_countdown_counts_until_traffic_was_back(p: Played) -> None:
    """Nobody answered: the countdown's two minutes are part of the time to roll back, which
    ends when traffic was back (the undo), not when the verification after it ended."""
    judged = next(j for j in p.score.judgements if "countdown" in j.what)
    assert judged.verdict == "bad"
    waited = int(judged.what.rsplit("after ", 1)[1].split("m")[0])
    assert waited >= 2, judged.what  # the drills' countdowns are 2 and 5 minutes
    took = p.debrief.time_to_roll_back
    assert took is not None and took >= 120
    assert took < (p.debrief.ended_at - p.debrief.detected_at).total_seconds()
