"""`PlainOperator`: the engine's `Operator` for plain terminals, on questionary and rich.

Events become lines of text (tui/plain/stream.py). A question is first printed in full as
ordinary lines (what is asked, the evidence, every choice, the deadline), so a captured log
holds it; then one questionary prompt takes the answer:

- yes/no questions (checklist items, `confirm` steps): `questionary.confirm`, default No
  unless the engine gave a default, so an idle Enter never starts a mutation;
- irreversible steps (TYPED): `questionary.text` until the phrase is typed exactly (empty
  input declines);
- everything else (breach, pause, precondition, failed step, interrupt): `questionary.select`
  on a full terminal, or in *line mode* (a dumb terminal, output to a file or pipe) a one-line
  `questionary.text` taking a choice's number or key, because a select list needs a cursor;
- a choice marked `needs_reason` (an override) then asks why, and the reason is required.

A question with a deadline prints its countdown and takes the default when the deadline passes
on the engine's clock (tui/plain/deadline.py). Ctrl-C in a prompt raises KeyboardInterrupt to
the engine, which asks its INTERRUPT question; input that ends (a closed pipe) is treated the
same way, so an unattended session stops resumable instead of guessing.
"""

from __future__ import annotations

import getpass
import threading
from typing import Any

import questionary
from rich.console import Console
from rich.text import Text

from tui.audit.events import ENGINE_ACTOR
from tui.clock import Clock
from tui.engine.events import GuardrailsPolled, StepProgress
from tui.engine.ports import Answer, Choice, Question, QuestionKind
from tui.engine.questions import WITHDRAWN as WITHDRAWN_CHOICE
from tui.plain.deadline import TIMED_OUT, WITHDRAWN, run_prompt
from tui.plain.stream import clock_time, countdown, event_lines, progress_text

YES_NO = {"yes", "no"}


class _Timeout(Exception):
    """The question's deadline passed during one of its prompts."""


class _Withdrawn(Exception):
    """The engine took the question down during one of its prompts."""


class PlainOperator:
    """An `Operator` printing a line-by-line stream and asking with questionary prompts.

    `input`/`output` are prompt_toolkit's (None: the process's terminal); tests pass a pipe
    input and an output writing to a buffer. `line_mode` replaces arrow-key lists with typed
    choices (see the module docstring); `echo_prompts` prints each prompt's message as a line
    of the stream, for prompts that draw nowhere (no terminal at all: the output is a file and
    the answers come from a pipe). `who` is recorded as the answerer in the audit log.
    """

    def __init__(
        self,
        console: Console,
        clock: Clock,
        *,
        input: Any = None,
        output: Any = None,
        who: str | None = None,
        line_mode: bool = False,
        echo_prompts: bool = False,
    ) -> None:
        self.console = console
        self.clock = clock
        self.who = who or getpass.getuser()
        self.line_mode = line_mode
        self.echo_prompts = echo_prompts
        self._prompt_io = {"input": input, "output": output}
        self._lock = threading.Lock()
        self._asking = False
        self._held: list[Any] = []  # events that arrived while a prompt held the terminal
        self._last_progress: dict[str, str] = {}  # per step: a repeat says nothing new
        self._withdrawn = threading.Event()  # the engine took the open question down

    # -- the stream -------------------------------------------------------------------------

    def notify(self, event: Any) -> None:
        """Print the event's lines; while a prompt is open, hold them until it is answered."""
        with self._lock:
            if self._asking:
                self._held.append(event)
                return
        self._print_event(event)

    def _print_event(self, event: Any) -> None:
        if isinstance(event, StepProgress):
            text = progress_text(event.progress)
            if self._last_progress.get(event.step) == text:
                return  # the same progress polled again: the log stays short
            self._last_progress[event.step] = text
        for line in event_lines(event, self.clock.now()):
            self.console.print(line, soft_wrap=True, highlight=False)

    def say(self, text: str | Text, style: str = "") -> None:
        """Print one line of the operator's own (question text, answers)."""
        self.console.print(text, style=style, soft_wrap=True, highlight=False, markup=False)

    # -- questions --------------------------------------------------------------------------

    def ask(self, question: Question) -> Answer:
        """Print the question, prompt for the answer (or take the default at the deadline)."""
        with self._lock:
            self._asking = True
        try:
            self._show(question)
            try:
                answer = self._answer(question)
            except _Timeout:
                answer = Answer(question.default or "", who="timeout", timed_out=True)
            except _Withdrawn:
                self.say("(withdrawn by turnout: a guardrail triggered while it waited)")
                return Answer(WITHDRAWN_CHOICE, who=ENGINE_ACTOR)
            self._show_answer(question, answer)
            return answer
        finally:
            self._withdrawn.clear()
            with self._lock:
                self._asking = False
                held, self._held = self._held, []
            for event in held:
                self._print_event(event)

    def withdraw(self, question: Question) -> None:
        """The engine takes the open question down (tui/engine/asking.py): its prompt ends."""
        self._withdrawn.set()

    def _drain_held(self) -> Any:
        """What prints the guardrail readings held while a prompt is open (run above the
        prompt), or None when there are none: the evidence stays live while a person decides.
        Other events wait for the answer."""
        with self._lock:
            readings = [e for e in self._held if isinstance(e, GuardrailsPolled)]
            if not readings:
                return None
            self._held = [e for e in self._held if not isinstance(e, GuardrailsPolled)]

        def show() -> None:
            for event in readings:
                self._print_event(event)

        return show

    def _show(self, question: Question) -> None:
        now = self.clock.now()
        self.say("")
        where = f" - step {question.step}" if question.step else ""
        self.say(
            f"{clock_time(now)}  QUESTION ({question.kind.value}){where}: {question.title}",
            "bold",
        )
        for line in question.body.strip().splitlines():
            self.say(f"    {line}")
        if question.kind is QuestionKind.TYPED and question.expected_text:
            self.say(f"    To go ahead, type exactly: {question.expected_text}")
        elif not self._is_yes_no(question):
            for number, choice in enumerate(question.choices, 1):
                marks = " (default)" if choice.key == question.default else ""
                if choice.needs_reason:
                    marks += " (asks why)"
                self.say(f"    {number}. {choice.key}: {choice.label}{marks}")
        if question.deadline is not None:
            left = (question.deadline - now).total_seconds()
            self.say(
                f"    No answer by {clock_time(question.deadline)} UTC (in {countdown(left)}) "
                f"takes the default: {question.default}",
                "bold yellow",
            )

    def _show_answer(self, question: Question, answer: Answer) -> None:
        when = clock_time(self.clock.now())
        choice = question.choice(answer.choice)
        label = f"{answer.choice} ({choice.label})" if choice else answer.choice
        if answer.timed_out:
            self.say(f"{when}  NO ANSWER in time: took the default, {label}", "bold yellow")
            return
        reason = (
            f', reason: "{answer.text}"' if answer.text and choice and choice.needs_reason else ""
        )
        self.say(f"{when}  ANSWER: {label} by {answer.who}{reason}", "bold")

    @staticmethod
    def _is_yes_no(question: Question) -> bool:
        return {c.key for c in question.choices} == YES_NO and not any(
            c.needs_reason for c in question.choices
        )

    def _answer(self, question: Question) -> Answer:
        if question.kind is QuestionKind.TYPED and question.expected_text:
            return self._typed(question)
        if self._is_yes_no(question):
            # auto_enter=False: y (or n) is confirmed with Enter. With questionary's default a
            # bare y answered at once and the Enter a person types after it, out of habit,
            # answered the next question with its default: a checklist item "not confirmed".
            yes = self._prompt(
                question,
                questionary.confirm,
                question.title,
                default=question.default == "yes",
                auto_enter=False,
            )
            return Answer("yes" if yes else "no", who=self.who)
        choice = self._choose(question)
        if choice.needs_reason:
            return Answer(choice.key, who=self.who, text=self._reason(question, choice))
        return Answer(choice.key, who=self.who)

    def _prompt(self, question: Question, build: Any, message: str, **options: Any) -> Any:
        """Run one questionary prompt (`build(message, **options)`) under the question's
        deadline; EOF on the input is an interrupt. With `echo_prompts` the prompt draws
        nowhere and its message is printed here as a plain line instead (no terminal at all)."""
        if question.deadline is not None:
            # Said once before the prompt, then at each mark (tui/plain/deadline.py): a clock
            # that jumps past every mark, even past the deadline before the prompt runs (a
            # drill's), still leaves the line saying how long there was to answer.
            self._countdown(max((question.deadline - self.clock.now()).total_seconds(), 0.0))
        if self.echo_prompts:
            self.say(f"? {message}")
        prompt = build(message, **options, **self._prompt_io)
        try:
            result = run_prompt(
                prompt,
                self.clock,
                question.deadline,
                self._countdown,
                withdrawn=self._withdrawn,
                drain=self._drain_held,
            )
        except EOFError:
            self.say("Input ended before an answer: stopping as if interrupted.", "bold red")
            raise KeyboardInterrupt from None
        if result is TIMED_OUT:
            raise _Timeout
        if result is WITHDRAWN:
            raise _Withdrawn
        return result

    def _countdown(self, remaining: float) -> None:
        self.say(f"{clock_time(self.clock.now())}  {countdown(remaining)} left to answer", "yellow")

    def _typed(self, question: Question) -> Answer:
        expected = question.expected_text or ""
        yes = question.choices[0].key
        no = question.choice("no").key if question.choice("no") else question.choices[-1].key
        while True:
            typed = self._prompt(
                question, questionary.text, f"Type `{expected}` to go ahead (empty to stop):"
            )
            typed = (typed or "").strip()
            if not typed:
                return Answer(no, who=self.who)
            if typed == expected:
                return Answer(yes, who=self.who, text=typed)
            self.say(f'"{typed}" does not match `{expected}`: nothing was done. Try again.', "red")

    def _choose(self, question: Question) -> Choice:
        if not self.line_mode:
            key = self._prompt(
                question,
                questionary.select,
                question.title,
                choices=[questionary.Choice(c.label, value=c.key) for c in question.choices],
                default=question.default if question.choice(question.default or "") else None,
            )
            choice = question.choice(key)
            if choice is None:  # only a bug could get here; refuse to guess
                raise RuntimeError(f"the prompt returned {key!r}, not one of the choices")
            return choice
        return self._choose_by_typing(question)

    def _choose_by_typing(self, question: Question) -> Choice:
        numbers = f"1-{len(question.choices)}"
        default = f", Enter for {question.default}" if question.default else ""
        while True:
            typed = self._prompt(
                question, questionary.text, f"Your choice ({numbers} or its name{default}):"
            )
            choice = _match(question, (typed or "").strip())
            if choice is not None:
                return choice
            self.say(f'"{typed}" is not one of the choices: type its number or its name.', "red")

    def _reason(self, question: Question, choice: Choice) -> str:
        while True:
            reason = self._prompt(
                question,
                questionary.text,
                f"Why {choice.key}? (recorded in the audit log with your name)",
            )
            if (reason or "").strip():
                return reason.strip()
            self.say("A reason is required for this choice.", "red")


def _match(question: Question, typed: str) -> Choice | None:
    """The choice named by its number, its key or its label (case-insensitive); empty: default."""
    if not typed:
        return question.choice(question.default) if question.default else None
    if typed.isdigit() and 1 <= int(typed) <= len(question.choices):
        return question.choices[int(typed) - 1]
    lowered = typed.lower()
    return next((c for c in question.choices if lowered in (c.key.lower(), c.label.lower())), None)
