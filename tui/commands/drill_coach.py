"""What a drill adds to a rehearsal's debrief: the score with its reasons (rows under the
debrief's, in the app and printed) and, once printed, the result in the trainee's history.

The score is read from the same `Debrief` the rows above it show (`DebriefOnce`), so the
errors it judges are the errors the table counts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.rehearsal.curriculum import Drill, Variant
from tui.rehearsal.debrief import Debrief
from tui.rehearsal.drill_history import Result, record_result
from tui.rehearsal.drill_score import PASS_MARK, Score, score_drill

BLIND = "a blind draw"
"""What the session, the world's progress and the app call a blind drill's scenario until the
debrief names it."""
_MARKS = {"good": "✓", "bad": "✗", "note": "·"}


class DrillCoach:
    """Scores one drill played on `variant` and records it for `trainee` under `sessions`."""

    def __init__(
        self, drill: Drill, variant: Variant, *, blind: bool, trainee: str, sessions: Path
    ) -> None:
        self.drill, self.variant, self.blind = drill, variant, blind
        self.trainee, self.sessions = trainee, Path(sessions)
        self.scores: dict[Path, Score] = {}
        self.recorded: Path | None = None

    @property
    def shown_as(self) -> str:
        return BLIND if self.blind else self.variant.name

    def score(self, debrief: Debrief, session_dir: Path) -> Score:
        """The session's score (read once per session)."""
        key = Path(session_dir)
        if key not in self.scores:
            from tui.audit.chain import read_log

            records = read_log(key).records
            self.scores[key] = score_drill(self.drill, self.variant, debrief, records)
        return self.scores[key]

    def title(self, debrief: Debrief) -> str:
        drawn = " (drawn blind)" if self.blind else ""
        return f"Debrief: drill {self.drill.name}, scenario {self.variant.name}{drawn}"

    def rows(self, debrief: Debrief, session_dir: Path) -> list[tuple[str, str]]:
        """The score, then one row per thing judged: what, what it would have meant in
        production, what to read."""
        score = self.score(debrief, session_dir)
        verdict = "passed" if score.passed else f"not passed (pass: {PASS_MARK} and the outcome)"
        rows = [("score", f"{score.points}/100, {verdict}"), ("a good outcome", self.drill.good)]
        for judged in score.judgements:
            label = _MARKS[judged.verdict] + (f" −{judged.lost}" if judged.lost else "")
            rows.append((label, f"{judged.what}: {judged.production} (read {judged.read})"))
        return rows

    def finish(self, debrief: Debrief, session_dir: Path, console: Any) -> None:
        """Record the result in the trainee's history and say where."""
        score = self.score(debrief, session_dir)
        result = result_of(self, debrief, score, session_dir)
        try:
            self.recorded = record_result(self.sessions, result)
        except OSError as exc:  # the drill happened and its log is kept: say so, do not crash
            console.print(f"could not keep the drill result for {self.trainee}: {exc}")
            return
        console.print(f"drill result kept for {self.trainee}: {self.recorded}")
        console.print("your history: turnout drill history" + _trainee_flag(self.trainee))


def _trainee_flag(trainee: str) -> str:
    from tui.audit.session_log import os_user

    return "" if trainee == trainee_name(os_user()) else f" --trainee {trainee}"


def trainee_name(name: str) -> str:
    """The OS user as a history file name (`uid 1000` has a space)."""
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in name).lstrip("._-")
    return cleaned[:64] or "trainee"


def result_of(coach: DrillCoach, debrief: Debrief, score: Score, session_dir: Path) -> Result:
    return Result(
        drill=coach.drill.name,
        trainee=coach.trainee,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        scenario=coach.variant.name,
        blind=coach.blind,
        points=score.points,
        passed=score.passed,
        outcome=debrief.outcome,
        errors=debrief.errors,
        requests=debrief.requests,
        missed=score.missed,
        time_to_detect=debrief.time_to_detect,
        time_to_roll_back=debrief.time_to_roll_back,
        session=str(session_dir),
    )


def coaching(coach: DrillCoach) -> Any:
    """`coach` as the `Coaching` a rehearsal takes."""
    from tui.commands.debrief_view import Coaching

    return Coaching(coach.shown_as, coach.rows, coach.title, coach.finish)
