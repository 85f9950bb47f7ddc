"""The progress stream: every engine event as lines a person can read in a captured file."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import create_output
from rich.console import Console

from tests.keys import ENTER
from tests.plain.conftest import Terminal
from tui.aws.protocol import Identity, Progress
from tui.clock import ManualClock
from tui.engine import events as ev
from tui.engine.ports import Choice, Question, QuestionKind, StepState
from tui.plain import should_use_plain
from tui.plain.front_end import make_plain_operator
from tui.plain.operator import PlainOperator

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def reading(value: float | None, breaches: int, **kw: object) -> ev.GuardrailReading:
    base = dict(
        step="refresh",
        name="target 5xx rate",
        value=value,
        minimum=None,
        maximum=1.0,
        breaches=breaches,
        needed=3,
        severity="rollback",
    )
    return ev.GuardrailReading(**{**base, **kw})  # type: ignore[arg-type]


def scripted_session(operator: PlainOperator, clock: ManualClock) -> list[str]:
    """A small session in the engine's protocol: what tui/engine/session.py sends and asks."""
    answers = []
    operator.notify(
        ev.SessionStarted(
            "asg-instance-refresh",
            "Roll the web tier",
            Identity("123456789012", "arn:aws:iam::123456789012:user/alice", "us-east-1"),
            rehearsal=True,
            session_dir="sessions/x",
            started_at=T0,
            window_ends_at=T0 + timedelta(hours=2),
        )
    )
    answers.append(
        operator.ask(Question(QuestionKind.CHECKLIST, "Nobody else is changing web-asg")).choice
    )
    operator.notify(ev.StepChanged("refresh", StepState.CHECKING, "1 precondition", at=T0))
    operator.notify(
        ev.ConditionResult(
            "refresh", "every instance healthy", True, 4, "4 healthy targets in web-blue (min 4)"
        )
    )
    answers.append(
        operator.ask(
            Question(QuestionKind.CONFIRM, "Start the instance refresh?", step="refresh")
        ).choice
    )
    operator.notify(ev.StepChanged("refresh", StepState.RUNNING, "StartInstanceRefresh", at=T0))
    operator.notify(
        ev.StepProgress(
            "refresh",
            Progress("running", "Instance refresh InProgress: 50 % (2 to update)", percent=50.0),
            at=T0,
        )
    )
    operator.notify(
        ev.GuardrailsPolled(
            "refresh",
            T0,
            (
                reading(0.42, 0),
                reading(None, 0, name="p99 latency", maximum=0.5, missing=True, severity="pause"),
            ),
        )
    )
    operator.notify(ev.GuardrailsPolled("refresh", T0, (reading(4.2, 3, breached=True),)))
    clock.advance(0)
    answers.append(
        operator.ask(
            Question(
                QuestionKind.BREACH,
                "Roll back?",
                step="refresh",
                default="rollback",
                choices=(
                    Choice("rollback", "Roll back now"),
                    Choice("override", "Keep going", needs_reason=True),
                ),
            )
        ).choice
    )
    operator.notify(ev.RollbackChanged("started", "undoing 1 step", step="refresh"))
    operator.notify(
        ev.StepChanged("refresh", StepState.ROLLED_BACK, "instances back on web-lt v1", at=T0)
    )
    operator.notify(
        ev.StepProgress(
            "canary",
            Progress(
                "running",
                "shifting",
                detail={
                    "weights": {
                        "resource": "web-alb:80",
                        "weights": {"web-blue": 75, "web-green": 25},
                        "step": 2,
                        "steps": 4,
                        "bake_remaining": 125,
                    }
                },
            ),
            at=T0,
        )
    )
    operator.notify(ev.Notice("GetMetricData throttled; retrying", level="warn", step="refresh"))
    operator.notify(ev.SessionEnded(3, "rolled back after target 5xx rate breached", "sessions/x"))
    return answers


def test_a_scripted_session_reads_line_by_line_in_a_captured_file(
    operator: PlainOperator, terminal: Terminal, clock: ManualClock
) -> None:
    terminal.type(f"y{ENTER}y{ENTER}")
    terminal.type(ENTER)  # the default: rollback
    assert scripted_session(operator, clock) == ["yes", "yes", "rollback"]
    text = terminal.text
    assert "\x1b" not in text, "no ANSI escapes when the output is not a terminal"
    for line in [
        "12:00:00  Started asg-instance-refresh: Roll the web tier",
        "REHEARSAL against the embedded AWS world: account 123456789012, region us-east-1",
        "Maintenance window ends at 14:00:00 UTC",
        "12:00:00  refresh  CHECKING - 1 precondition",
        'refresh  precondition ok "every instance healthy": 4 healthy targets in web-blue (min 4)',
        "12:00:00  refresh  RUNNING - StartInstanceRefresh",
        "12:00:00  refresh  RUNNING - 50 % - Instance refresh InProgress: 50 % (2 to update)",
        'refresh  guardrail "target 5xx rate" 0.42 (max 1) ok, 0 of 3 breaching, on breach: ro',
        'guardrail "p99 latency" no data (max 0.5) MISSING DATA, 0 of 3 breaching, on breach: pa',
        'refresh  guardrail "target 5xx rate" 4.2 (max 1) BREACHED, 3 of 3 breaching, on breac',
        "refresh  ROLLBACK STARTED: undoing 1 step",
        "12:00:00  refresh  ROLLED BACK - instances back on web-lt v1",
        "canary  RUNNING - shifting - weights on web-alb:80: web-blue 75, web-green 25; step 2 of"
        " 4; bake 2m05s left",
        "refresh  WARNING: GetMetricData throttled; retrying",
        "Session ended: exit 3 (rolled back)",
    ]:
        assert line in text, line
    # Events arrive in order: the breach reading precedes the question, the rollback follows it.
    assert text.index("BREACHED") < text.index("QUESTION (breach)") < text.index("ROLLBACK STARTED")


def test_events_arriving_during_a_question_are_printed_after_the_answer(
    terminal: Terminal, clock: ManualClock
) -> None:
    operator = make_plain_operator(
        terminal.console,
        clock=clock,
        input=terminal.input,
        output=terminal.output,
        who="alice",
        line_mode=True,
    )
    started = threading.Event()
    original = operator._show

    def show_then_signal(question: Question) -> None:
        original(question)
        operator.notify(ev.Notice("a poll from another thread"))
        started.set()

    operator._show = show_then_signal  # type: ignore[method-assign]
    terminal.type(f"y{ENTER}")
    operator.ask(Question(QuestionKind.CONFIRM, "Go?"))
    assert started.is_set()
    assert terminal.text.index("ANSWER: yes") < terminal.text.index(
        "NOTE: a poll from another thread"
    )


def test_colour_on_a_terminal_but_the_words_are_the_same() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=100)
    with create_pipe_input() as pipe:
        operator = make_plain_operator(
            console,
            clock=ManualClock(),
            input=pipe,
            output=create_output(stdout=io.StringIO()),
            who="a",
        )
        operator.notify(ev.StepChanged("refresh", StepState.FAILED, "AccessDenied", at=T0))
    assert "\x1b[" in buffer.getvalue()
    assert "FAILED" in buffer.getvalue() and "AccessDenied" in buffer.getvalue()


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_plain_mode_is_chosen_for_pipes_and_dumb_terminals_and_says_why() -> None:
    assert (
        should_use_plain(_Stream(False), {"TERM": "xterm"}) == "standard output is not a terminal"
    )
    assert should_use_plain(_Stream(True), {"TERM": "dumb"}) == "TERM is dumb"
    assert should_use_plain(_Stream(True), {}) == "TERM is not set"
    assert should_use_plain(_Stream(True), {"TERM": "xterm-256color"}) is None
    buffer = io.StringIO()
    make_plain_operator(Console(file=buffer), clock=ManualClock(), reason="TERM is dumb")
    assert buffer.getvalue().startswith("Plain terminal mode: TERM is dumb.")


def test_with_no_terminal_at_all_the_file_holds_clean_lines_only(clock: ManualClock) -> None:
    """Answers piped in, output to a file: the prompts draw nowhere, their messages are lines."""
    from prompt_toolkit.output import DummyOutput

    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        operator = make_plain_operator(
            Console(file=buffer, width=100),
            clock=clock,
            input=pipe,
            output=DummyOutput(),
            who="alice",
            line_mode=True,
            echo_prompts=True,
        )
        pipe.send_text(f"y{ENTER}y{ENTER}{ENTER}")
        scripted_session(operator, clock)
    lines = buffer.getvalue().splitlines()
    assert "? Nobody else is changing web-asg" in lines
    assert "? Your choice (1-2 or its name, Enter for rollback):" in lines
    assert not any("\r" in line or "   " * 4 in line for line in lines), "no redraw debris"


def test_progress_polled_again_unchanged_is_printed_once(
    operator: PlainOperator, terminal: Terminal
) -> None:
    same = Progress("running", "orders-bgd: SWITCHOVER_IN_PROGRESS")
    for progress in (same, same, Progress("done", "switched over", percent=100.0), same):
        operator.notify(ev.StepProgress("switchover", progress, at=T0))
    assert terminal.text.count("SWITCHOVER_IN_PROGRESS") == 2  # before and after the change
    assert "DONE - 100 % - switched over" in terminal.text


def test_a_dumb_terminal_uses_prompt_toolkit_s_own_line_prompt() -> None:
    from tui.plain.front_end import prompt_output

    assert prompt_output({"TERM": "dumb"}) == (None, True, False)
