"""A drill's score with its reasons: the decisions judged, not only the clock. Pure: it reads
the session's records and its `Debrief` (tui/rehearsal/debrief.py), the one source of the
numbers the app and the printed table show.

Out of 100: the outcome a good session has (40), the errors within the drill's budget (25),
detection in time (15) and traffic restored in time (20) when the drill needs a rollback; each
bad decision costs its own points (an override of a failed precondition, a "keep going" past a
guardrail that asked to roll back, a countdown that rolled back by itself, ...). Every item,
good or bad, says what it would have meant in production and what to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.rehearsal.curriculum import Drill, Variant
from tui.rehearsal.debrief import Debrief

PASS_MARK = 70
OUTCOME, BUDGET, DETECT, RESTORE = 40, 25, 15, 20
GUARDRAILS_DOC = "docs/engine.md#guardrails-how-datapoints-are-counted"
QUESTIONS_DOC = "docs/engine.md#questions-and-their-choices"
STEPS_DOC = "docs/engine.md#the-session-step-by-step"
ROLLBACK_DOC = "docs/engine.md#rollback"


@dataclass(frozen=True)
class Judgement:
    """One thing judged: `verdict` good, bad or note; `lost` the points it cost."""

    what: str
    verdict: str
    production: str
    read: str
    lost: int = 0


@dataclass(frozen=True)
class Score:
    """The drill's score and everything judged, in the order it happened."""

    points: int
    outcome_ok: bool
    judgements: tuple[Judgement, ...]

    @property
    def passed(self) -> bool:
        return self.outcome_ok and self.points >= PASS_MARK

    @property
    def missed(self) -> list[str]:
        """What cost points, in a few words each (the history's "what was missed")."""
        return [j.what for j in self.judgements if j.lost]


def score_drill(drill: Drill, variant: Variant, debrief: Debrief, records: Sequence[Any]) -> Score:
    """Judge the session (its audit `records`, its `debrief`) against the drill played on
    `variant` (what was drawn)."""
    found = [_outcome(variant, debrief, drill), _budget(drill, debrief)]
    if variant.expect == "rolled_back":
        found += [_detection(drill, debrief), _restore(drill, debrief)]
    found += decisions(records, drill)
    lost = sum(j.lost for j in found)
    outcome_ok = found[0].verdict == "good"
    return Score(max(0, 100 - lost), outcome_ok, tuple(found))


_AFTER_THE_FACT = {
    "completed": "a healthy upgrade was stopped: in production the window is spent and the "
    "release waits for another night",
    "rolled_back": "the bad release stayed in front of users: in production that is an "
    "incident, not a rollback",
    "refused": "the step ran on a world its own precondition called unready: in production "
    "that is the outage the check was written to prevent",
}


def _outcome(variant: Variant, debrief: Debrief, drill: Drill) -> Judgement:
    said = debrief.outcome.replace("_", " ")
    want = variant.expect.replace("_", " ")
    if debrief.outcome == variant.expect:
        return Judgement(
            f"ended {said}, as a good session does on {variant.name}",
            "good",
            f"the good outcome: {drill.good}",
            drill.read,
        )
    return Judgement(
        f"ended {said}; a good session on {variant.name} ends {want}",
        "bad",
        _AFTER_THE_FACT[variant.expect],
        drill.read,
        OUTCOME,
    )


def _budget(drill: Drill, debrief: Debrief) -> Judgement:
    share, budget = debrief.error_share, drill.budget
    what = (
        f"{debrief.errors} of {debrief.requests} requests failed ({100 * share:.2f} %), "
        f"budget {100 * budget:g} %"
    )
    per = round(share * 10_000)
    production = f"in production {per} of every 10 000 requests would have failed"
    if share <= budget:
        return Judgement(what, "good", production, GUARDRAILS_DOC)
    return Judgement(what + ": over", "bad", production, GUARDRAILS_DOC, BUDGET)


def _seconds(value: float) -> str:
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _detection(drill: Drill, debrief: Debrief) -> Judgement:
    took, limit = debrief.time_to_detect, drill.detect_within
    if took is None:
        return Judgement(
            "no guardrail decided while the fault served",
            "bad",
            "in production nobody would have been told: users find the fault first",
            GUARDRAILS_DOC,
            DETECT,
        )
    what = f"detected {_seconds(took)} after users met the fault (within {_seconds(limit)})"
    if took <= limit:
        found = "in production: found by a guardrail, not by a user"
        return Judgement(what, "good", found, GUARDRAILS_DOC)
    return Judgement(
        what.replace("within", "more than"),
        "bad",
        "in production every second of that served the fault to users",
        GUARDRAILS_DOC,
        DETECT,
    )


def _restore(drill: Drill, debrief: Debrief) -> Judgement:
    took, limit = debrief.time_to_roll_back, drill.restore_within
    if took is None:
        return Judgement(
            "traffic was never put back",
            "bad",
            "in production users stay on the bad release until someone acts",
            ROLLBACK_DOC,
            RESTORE,
        )
    what = f"traffic restored {_seconds(took)} after the decision (within {_seconds(limit)})"
    if took <= limit:
        return Judgement(what, "good", "in production: the errors stop that quickly", ROLLBACK_DOC)
    return Judgement(
        what.replace("within", "more than"),
        "bad",
        "in production users kept meeting the fault while the answer waited",
        ROLLBACK_DOC,
        RESTORE,
    )


def decisions(records: Sequence[Any], drill: Drill) -> list[Judgement]:
    """Each question a person (or a countdown) answered, judged."""
    prompts = {r.seq: r.payload for r in records if r.type == "confirm.prompt"}
    found = []
    for record in records:
        if record.type != "confirm.answer":
            continue
        prompt = prompts.get(record.payload.get("prompt_seq"), {})
        judged = _judge(str(prompt.get("kind")), str(record.payload.get("answer")), prompt, drill)
        if judged is not None:
            found.append(judged)
    return found


def _judge(kind: str, answer: str, prompt: dict[str, Any], drill: Drill) -> Judgement | None:
    step = prompt.get("step") or "the session"
    wait = prompt.get("timeout_s")
    table: dict[tuple[str, str], tuple[str, str, str, str, int]] = {
        ("precondition", "override"): (
            f"overrode the failed precondition of {step}",
            "bad",
            "the step ran on a world its own check called unready (a switchover with the "
            "replica behind stops writes, or loses them)",
            STEPS_DOC,
            20,
        ),
        ("precondition", "stop"): (
            f"refused {step} while its precondition failed",
            "good",
            "nothing changed: in production wait for the check to pass, then run it again",
            drill.read,
            0,
        ),
        ("breach", "override"): (
            f'said "keep going" to the rollback the guardrail asked for at {step}',
            "bad",
            "users kept getting what the guardrail measured for as long as the release "
            "stayed: in production an incident instead of a rollback",
            GUARDRAILS_DOC,
            20,
        ),
        ("breach", "timeout"): (
            f"nobody answered the guardrail at {step}: its countdown rolled back by itself"
            + (f" after {_seconds(float(wait))}" if wait else ""),
            "bad",
            "the rollback came late and every second of it served the fault: in production "
            "answer it, do not wait for the countdown",
            QUESTIONS_DOC,
            20,
        ),
        ("breach", "rollback"): (
            f"rolled back when the guardrail asked, at {step}",
            "good",
            "in production the errors stop at the first breach",
            GUARDRAILS_DOC,
            0,
        ),
        ("pause", "continue"): (
            f"went on past the guardrail that paused {step}",
            "bad",
            "what the guardrail saw reached more users: in production a pause asks a person "
            "to look, and going on ships it",
            QUESTIONS_DOC,
            15,
        ),
        ("pause", "rollback"): (
            f"rolled back when the guardrail paused {step}",
            "good",
            "in production the slow release leaves before most users meet it",
            QUESTIONS_DOC,
            0,
        ),
        ("step_failed", "rollback"): (
            f"rolled back when {step} failed",
            "good",
            "in production the service is left as it was before the window",
            ROLLBACK_DOC,
            0,
        ),
        ("step_failed", "leave"): (
            f"left the failed {step} for a person",
            "bad",
            "the service stays half changed until someone looks: in production a page at night",
            ROLLBACK_DOC,
            10,
        ),
        ("confirm", "no"): (
            f'said "not now" before {step}',
            "note",
            "nothing after it ran: right when something looks wrong, a lost window when not",
            STEPS_DOC,
            0,
        ),
    }
    if kind == "pause" and answer == "pause":
        return Judgement(
            f"stopped to look when the guardrail paused {step}",
            "note",
            "safe, but in production someone must still decide: roll back or go on",
            QUESTIONS_DOC,
        )
    found = table.get((kind, answer))
    return Judgement(*found) if found else None
