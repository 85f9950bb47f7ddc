"""Playing a curriculum drill in-process, fast, with a scripted trainee.

The drill's world runs under mock_aws on the fast drill clock of tests/engine/drill.py (engine
time moves the world and steps its simulator), the session is opened by `open_session` as
`turnout drill run` opens it, and the debrief and score come from the same `DebriefOnce` and
`DrillCoach` the command uses: only the world's boot (a server on a scaled clock) differs.

A trainee is a `FakeOperator` (tests/engine/fakes.py): a careful person unless its answers
say otherwise. `OVERRIDE`, `TIMEOUT` and `CONTINUE` are the bad answers the drills test.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from tests.engine.drill import WARM_UP, DrillClock
from tests.engine.fakes import FakeOperator
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.clock import ManualClock
from tui.commands.drill_coach import DrillCoach, coaching
from tui.commands.rehearse import world_debriefs, world_step_events
from tui.commands.session_flow import Outcome, SessionRequest, open_session
from tui.engine import questions
from tui.engine.options import SessionOptions
from tui.engine.ports import Answer, Question
from tui.rehearsal import names
from tui.rehearsal.curriculum import Variant, find_drill, runbook_path, variant_spec
from tui.rehearsal.drill_score import Score
from tui.rehearsal.scenario import Scenario
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.rehearsal.world import World
from tui.runbook.loader import load_runbook

TRAINEE = "trainee"


def override(question: Question) -> Answer:
    """Go on past whatever the question is about, with a reason (a bad habit)."""
    return Answer(questions.OVERRIDE, TRAINEE, text="looks fine to me")


def carry_on(question: Question) -> Answer:
    """Continue past a pausing guardrail, with a reason."""
    return Answer(questions.CONTINUE, TRAINEE, text="it is only a little slow")


@dataclass
class Played:
    """A drill played: its score, the debrief's rows (with the score's), the output."""

    score: Score
    rows: list[tuple[str, str]]
    debrief: Any
    outcome: Outcome
    coach: DrillCoach
    output: str
    world: World

    @property
    def reasons(self) -> str:
        return "\n".join(f"{what} {value}" for what, value in self.rows)


def play(
    name: str,
    tmp: Path,
    answers: dict[Any, Any] | None = None,
    *,
    variant: Variant | None = None,
    poll: float = 60.0,
    interval: float = 60.0,
    config: Any = None,
    worlds: list[World] | None = None,
) -> Played:
    """Play drill `name` (on `variant`, default the drill's own) with a trainee answering as
    `answers` say (FakeOperator's), and score it. The world is appended to `worlds` to stop."""
    drill = find_drill(name)
    variant = variant or drill.variant
    scenario = Scenario(variant_spec(variant))
    runbook = load_runbook(runbook_path(drill), dict(drill.sets))
    world = World(clock=ManualClock(), faults=scenario, serve=False, simulate=False).start()
    if worlds is not None:
        worlds.append(world)
    clock = DrillClock(world, interval)
    clock.sleep(WARM_UP)
    trainee = FakeOperator(dict(_timeouts(answers or {}, clock)), who=TRAINEE)

    def make_cloud(recorder: Any) -> AwsCloud:
        clients = ClientFactory(
            region=names.REGION, credentials=dict(FAKE_CREDENTIALS), recorder=recorder
        )
        if config is not None:
            clients.config = config
        return AwsCloud(AwsContext(clients, clock, world.http_hosts))

    coach = DrillCoach(drill, variant, blind=False, trainee=TRAINEE, sessions=tmp)
    made = world_debriefs(world, scenario, coaching(coach))
    out = io.StringIO()
    console = Console(file=out, width=200, soft_wrap=True)
    outcome = open_session(
        SessionRequest(
            runbook,
            clock=clock,  # type: ignore[arg-type]
            make_cloud=make_cloud,
            options=SessionOptions(poll=poll, mode="rehearsal", scenario=variant.name),
            sessions_dir=str(tmp),
            operator=trainee,
            console=console,
            hear_events=world_step_events(world),
        )
    )
    made.print(outcome.session_dir, console)
    debrief = made.debrief(outcome.session_dir)
    coach.finish(debrief, outcome.session_dir, console)
    return Played(
        coach.score(debrief, outcome.session_dir),
        made.rows(outcome.session_dir),
        debrief,
        outcome,
        coach,
        out.getvalue(),
        world,
    )


TIMEOUT = object()
"""An answer in `play`'s `answers`: nobody answers; the question's countdown runs out (the
world's time passes to its deadline) and its default is taken."""


@dataclass(frozen=True)
class WaitThen:
    """An answer in `play`'s `answers`: the trainee waits `seconds` of world time (the world
    moves on meanwhile), then answers `choice`."""

    seconds: float
    choice: str


def _timeouts(answers: dict[Any, Any], clock: DrillClock) -> Any:
    for kind, answer in answers.items():
        if isinstance(answer, WaitThen):

            def later(question: Question, answer: WaitThen = answer) -> Answer:
                clock.sleep(answer.seconds)
                return Answer(answer.choice, TRAINEE)

            yield kind, later
            continue
        if answer is not TIMEOUT:
            yield kind, answer
            continue

        def wait(question: Question) -> Answer:
            if question.deadline is not None:
                left = (question.deadline - clock.now()) + timedelta(seconds=1)
                clock.sleep(max(left.total_seconds(), 0.0))
            return Answer(question.default or questions.PAUSE, "turnout", timed_out=True)

        yield kind, wait
