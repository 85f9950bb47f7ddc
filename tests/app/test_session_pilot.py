"""Driving the app with key presses over a scripted session: what the screen shows and what
answers the engine gets (confirm, refuse, typed confirm, rollback key, timeout into rollback,
pause on quit, notes, hiding a question)."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import run, until
from tests.app.screen_text import screen_text
from tui.app.screens.question import QuestionScreen
from tui.app.widgets.audit_tail import AuditTail
from tui.audit.chain import read_log
from tui.engine.ports import QuestionKind
from tui.exitcodes import ExitCode


async def _confirm_checklist(pilot, drive, items: int = 3) -> None:
    for n in range(items):
        await until(pilot, lambda n=n: _asked(drive.app, QuestionKind.CHECKLIST, n))
        await pilot.press("y")


def _asked(app, kind: QuestionKind, n: int | None = None) -> bool:
    screen = app.screen
    if not isinstance(screen, QuestionScreen) or screen.question.kind is not kind:
        return False
    return n is None or screen.question.title.startswith(f"Checklist {n + 1} of")


def keys(text: str) -> list[str]:
    """The key presses that type `text`."""
    return ["space" if ch == " " else ch for ch in text]


def _ended(app) -> bool:
    """The session is over and the screen says so (the banner is painted after the last
    events, so waiting on the model alone races the repaint)."""
    return app.model.ended is not None and "SESSION ENDED" in screen_text(app)


def test_confirm_with_y_and_enter_runs_to_completion(drive) -> None:
    d = drive("alb-canary")

    async def body() -> None:
        async with d.app.run_test(size=(160, 48)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: _asked(d.app, QuestionKind.CONFIRM))
            text = screen_text(d.app)
            assert "Confirm the next step · canary" in text
            assert "Enter: Yes · Escape: No" in text
            await pilot.press("enter")
            await until(pilot, lambda: _ended(d.app))
            text = screen_text(d.app)
            assert "SESSION ENDED: completed (exit 0)" in text
            assert "✓ checklist  3/3 confirmed" in text
            assert "✓ canary  done" in text
            await pilot.press("q")
        assert d.app.return_value == ExitCode.COMPLETED

    run(body)
    answers = d.session.answers
    assert [a.choice for _, a in answers] == ["yes"] * 4
    assert {a.who for _, a in answers} == {"alice"}
    assert not any(a.timed_out for _, a in answers)
    # Each answer carries the SVG of the screen as it was answered, in the session's screens/.
    confirm = answers[-1][1]
    assert confirm.screenshot == "screens/004-canary-confirm.svg"
    svg = (Path(d.session_dir) / confirm.screenshot).read_text()
    assert svg.startswith("<svg") and "Confirm" in svg


def test_escape_refuses_the_step_and_nothing_runs(drive) -> None:
    d = drive("alb-canary")

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: _asked(d.app, QuestionKind.CONFIRM))
            await pilot.press("escape")
            await until(pilot, lambda: _ended(d.app))
            assert "SESSION ENDED: refused (exit 5)" in screen_text(d.app)
            await pilot.press("q")
        assert d.app.return_value == ExitCode.REFUSED

    run(body)
    assert d.session.answers[-1][1].choice == "no"
    assert [s.id for s in d.session.done] == ["drain-delay"]


def test_typed_confirmation_wants_the_exact_phrase(drive) -> None:
    d = drive("rds-blue-green")
    seen: dict[str, str] = {}

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await _confirm_checklist(pilot, d, len(d.app.model.checklist))
            await until(pilot, lambda: _asked(d.app, QuestionKind.CONFIRM))  # quiet-writers
            await pilot.press("y")
            await until(pilot, lambda: _asked(d.app, QuestionKind.TYPED))
            phrase = seen["phrase"] = d.app.screen.question.expected_text
            assert "IRREVERSIBLE: type to confirm" in screen_text(d.app)
            await pilot.press("y")  # a letter goes into the field, it does not say yes
            await pilot.press("enter")
            await pilot.pause(0.05)
            assert "That is not" in screen_text(d.app)
            assert d.app.pending is not None and not d.app.pending.settled
            await pilot.press(*["backspace"] * 3, *phrase)
            await pilot.press("enter")
            await until(pilot, lambda: not _asked(d.app, QuestionKind.TYPED))

    run(body)
    typed = next(a for q, a in d.session.answers if q.kind is QuestionKind.TYPED)
    assert typed.choice == "yes"
    assert typed.text == seen["phrase"]
    assert typed.screenshot and typed.screenshot.endswith("-typed.svg")


def test_rollback_key_asks_then_rolls_back(drive) -> None:
    import threading

    hold = threading.Event()
    hold.set()
    d = drive("alb-canary", hold=hold, real_pause=0.1)

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: d.app.model.current == "drain-delay")
            await pilot.press("r")
            await until(pilot, lambda: _asked(d.app, QuestionKind.ROLLBACK))
            await pilot.press("n")  # changed my mind: nothing is undone, the step goes on
            await pilot.pause(0.3)
            assert d.app.model.step("drain-delay").state.value == "running"
            await pilot.press("r")
            await until(pilot, lambda: _asked(d.app, QuestionKind.ROLLBACK))
            await pilot.press("y")
            await until(pilot, lambda: _ended(d.app))
            text = screen_text(d.app)
            assert "↩ drain-delay  rolled" in text  # the narrow list ends it with …
            assert "SESSION ENDED: rolled back (exit 3)" in text
            await pilot.press("q")
        assert d.app.return_value == ExitCode.ROLLED_BACK

    run(body)
    assert d.session.rollback_requests == [("alice", "the operator pressed r")] * 2
    rollback_answers = [a.choice for q, a in d.session.answers if q.kind is QuestionKind.ROLLBACK]
    assert rollback_answers == ["no", "yes"]


def test_breach_prompt_counts_down_and_rolls_back_at_its_deadline(drive) -> None:
    def rising(step: str, name: str, poll: int) -> float:
        return 5.0 * poll if name == "green 5xx rate" else 0.0

    debriefed: list[Path] = []

    def debrief(session_dir: Path) -> tuple[str, list[tuple[str, str]]]:
        debriefed.append(session_dir)
        return "Debrief: scenario bad-ami", [("time to detect", "56s")]

    d = drive("alb-canary", metric=rising, debrief=debrief)

    async def body() -> None:
        async with d.app.run_test(size=(160, 48)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: _asked(d.app, QuestionKind.CONFIRM))
            await pilot.press("y")
            await until(pilot, lambda: _asked(d.app, QuestionKind.BREACH))
            await until(pilot, lambda: "unless you answer" in screen_text(d.app))
            text = screen_text(d.app)
            assert "GUARDRAIL BREACHED · canary" in text
            assert "Roll back automatically in 2:00 unless you answer" in text
            assert "✗ BREACHED 2/2 → rollback" in text  # the panel behind the modal
            d.clock.advance(90)
            await until(pilot, lambda: "Roll back automatically in 0:30" in screen_text(d.app))
            d.clock.advance(31)
            await until(pilot, lambda: _ended(d.app))
            assert "SESSION ENDED: rolled back (exit 3)" in screen_text(d.app)
            # The drill's debrief, on the screen; the charts are the canary's again.
            await until(pilot, lambda: "Debrief: scenario bad-ami" in screen_text(d.app))
            text = screen_text(d.app)
            assert "time to detect" in text and "56s" in text
            assert d.app.model.watched == "canary"
            assert "✗ BREACHED" in text

    run(body)
    assert debriefed == [d.session_dir]
    question, answer = d.session.answers[-1]
    assert question.kind is QuestionKind.BREACH
    assert (answer.choice, answer.timed_out, answer.who) == ("rollback", True, "turnout")
    assert answer.screenshot and (d.session_dir / answer.screenshot).exists()


def test_quit_pauses_and_leaves_resumable(drive) -> None:
    import threading

    hold = threading.Event()
    hold.set()
    d = drive("alb-canary", hold=hold, real_pause=0.1)

    async def body() -> None:
        async with d.app.run_test(size=(80, 24)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: d.app.model.current == "drain-delay")
            await pilot.press("q")
            await pilot.pause(0.05)
            assert "Leave this session?" in screen_text(d.app)
            await pilot.press("p")
            await until(pilot, lambda: d.app.return_value is not None)
        assert d.app.return_value == ExitCode.INTERRUPTED

    run(body)
    assert d.session.pause_requested.is_set()


def test_the_quit_dialog_goes_when_the_session_ends_under_it(drive) -> None:
    from tui.app.messages import SessionFinished
    from tui.app.screens.quit import QuitScreen

    d = drive("alb-canary")

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: _asked(d.app, QuestionKind.CHECKLIST, 0))
            await pilot.press("v")  # look behind the question; the session waits for it
            await pilot.press("q")
            await until(pilot, lambda: isinstance(d.app.screen, QuitScreen))
            # The engine finishes on its own (here: told to) while the dialog is up.
            d.app.post_message(SessionFinished(int(ExitCode.REFUSED), "refused"))
            await until(pilot, lambda: _ended(d.app))
            assert not isinstance(d.app.screen, QuitScreen)
            assert "Leave this session?" not in screen_text(d.app)
            await pilot.press("q")  # now q just leaves
            await until(pilot, lambda: d.app.return_value is not None)
        assert d.app.return_value == ExitCode.REFUSED

    run(body)


def test_note_goes_to_the_audit_log(drive) -> None:
    import threading

    hold = threading.Event()
    hold.set()
    d = drive("alb-canary", hold=hold, real_pause=0.1)

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await _confirm_checklist(pilot, d)
            await until(pilot, lambda: d.app.model.current == "drain-delay")
            await pilot.press("n")
            await pilot.pause(0.05)
            await pilot.press(*keys("paged the db team"), "enter")
            await until(pilot, lambda: d.session.notes == ["paged the db team"])
            tail = d.app.session_screen.query_one(AuditTail)
            await until(
                pilot, lambda: any("note: paged the db team" in ln.text for ln in tail.lines)
            )
            d.session.request_pause()
            await until(pilot, lambda: _ended(d.app))

    run(body)
    notes = [r for r in read_log(d.session_dir).records if r.type == "note"]
    assert [n.payload["text"] for n in notes] == ["paged the db team"]


def test_a_hidden_question_stays_on_the_status_bar_until_continued(drive) -> None:
    d = drive("alb-canary")

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: _asked(d.app, QuestionKind.CHECKLIST, 0))
            await pilot.press("v")
            await pilot.pause(0.6)
            assert not isinstance(d.app.screen, QuestionScreen)
            assert "WAITING FOR YOU" in screen_text(d.app)
            await pilot.press("c")
            await until(pilot, lambda: _asked(d.app, QuestionKind.CHECKLIST, 0))
            await pilot.press("n")
            await until(pilot, lambda: _ended(d.app))

    run(body)
    assert d.session.answers[0][1].choice == "no"


def test_an_engine_crash_is_a_message_not_a_traceback(drive, tmp_path) -> None:
    d = drive("alb-canary")

    def broken(operator):
        raise RuntimeError("the engine tripped over its shoelaces")

    d.app._make_session = broken

    async def body() -> None:
        async with d.app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: _ended(d.app))
            text = screen_text(d.app)
            assert "SESSION ENDED: internal error (exit 1)" in text
            assert "Traceback" not in text
            await pilot.press("q")
        assert d.app.return_value == ExitCode.INTERNAL_ERROR

    run(body)
    assert "shoelaces" in (tmp_path / "app-error.txt").read_text()
