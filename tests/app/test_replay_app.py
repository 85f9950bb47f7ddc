"""`turnout replay`: a recorded session's audit log played back as the engine's events, on the
same screens."""

from __future__ import annotations

from tests.app.conftest import START, run, runbook, until
from tests.app.screen_text import screen_text
from tests.app.scripted import ScriptedSession
from tui.app.app import TurnoutApp
from tui.app.replay import AnsweredInReplay, AskedInReplay, ReplayPlayer
from tui.audit.replay import Replay
from tui.cli import main
from tui.clock import ManualClock
from tui.engine.events import GuardrailsPolled, SessionEnded, StepChanged
from tui.engine.ports import Answer, StepState


class Yes:
    """An operator that says yes (then rolls back at the breach): records a session to replay."""

    def notify(self, event) -> None:
        pass

    def ask(self, question) -> Answer:
        return Answer(question.default or "yes", "alice", text=question.expected_text)


def _recorded(tmp_path):
    def rising(step: str, name: str, poll: int) -> float:
        return 3.0 * poll if name == "green 5xx rate" else 0.0

    rb = runbook("alb-canary")
    code = ScriptedSession(rb, Yes(), ManualClock(START), tmp_path, metric=rising).run()
    assert code == 3
    return rb


def test_the_log_becomes_the_engines_events(tmp_path) -> None:
    _recorded(tmp_path)
    player = ReplayPlayer(Replay.load(tmp_path), tmp_path, speed=1000)
    played: list = []
    player.run(played.append)
    states = [(e.step, e.state) for e in played if isinstance(e, StepChanged)]
    assert ("canary", StepState.RUNNING) in states
    assert states[-1] == ("drain-delay", StepState.ROLLED_BACK)
    polls = [e for e in played if isinstance(e, GuardrailsPolled)]
    assert polls[-1].readings[0].points  # the charts get their history back
    asked = [e.pending for e in played if isinstance(e, AskedInReplay)]
    answered = [e.pending for e in played if isinstance(e, AnsweredInReplay)]
    assert asked == answered and len(asked) == 5  # 3 checklist, the canary, the breach
    assert asked[-1].settlement.answer.choice == "rollback"
    assert isinstance(played[-2], SessionEnded) and played[-2].exit_code == 3


def test_replay_draws_the_session_to_its_end(tmp_path) -> None:
    rb = _recorded(tmp_path)
    player = ReplayPlayer(Replay.load(tmp_path), tmp_path, speed=1000)
    app = TurnoutApp(rb, player.clock, tmp_path, player=player)

    async def body() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: app.model.ended is not None)
            await pilot.pause(0.6)
            text = screen_text(app)
            assert "SESSION ENDED: rolled back (exit 3)" in text
            assert "↩ canary  rolled back" in text
            assert "✗ BREACHED 2/2 → rollback" in text
            assert "press q to leave" not in text  # a replay is not a session to leave
            await pilot.press("q")

    run(body)


def test_replay_refuses_a_missing_or_edited_log(tmp_path, capsys) -> None:
    assert main(["replay", str(tmp_path / "nothing")]) == 2
    _recorded(tmp_path)
    log = tmp_path / "audit.jsonl"
    log.write_text(log.read_text().replace("drain-delay", "drain-delaX", 1))
    assert main(["replay", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no session log here" in err and "edited" in err


def test_replay_says_where_it_stands_its_speed_and_whether_it_plays(tmp_path) -> None:
    """Issue 19: position of length, speed, playing or paused, on the status line."""
    rb = _recorded(tmp_path)
    replay = Replay.load(tmp_path)
    length = replay.offset(replay.records[-1])
    player = ReplayPlayer(replay, tmp_path, speed=1)
    app = TurnoutApp(rb, player.clock, tmp_path, player=player)
    seen: dict[str, str] = {}

    def status() -> str:
        return next((ln for ln in screen_text(app).splitlines() if "▷" in ln), "")

    async def body() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: "· 1× · playing" in status(), 30, "playing at 1x")
            seen["playing"] = status()
            await pilot.press("space", "plus", "plus")
            await until(pilot, lambda: "4× · paused" in status(), 10, "paused at 4x")
            seen["paused"] = status()
            await pilot.press("q")

    run(body)
    minutes, seconds = divmod(int(length), 60)
    assert f" of {minutes}:{seconds:02d} · 1× · playing" in seen["playing"]
    assert f" of {minutes}:{seconds:02d} · 4× · paused (space plays)" in seen["paused"]
