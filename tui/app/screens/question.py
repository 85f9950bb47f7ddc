"""The modal for a question the engine asks: what will happen, a countdown when the question has
a deadline, and the choices. Enter/`y` says yes, Escape/`n` says no; an irreversible step wants
its phrase typed; a choice that overrides a check asks why. `v` hides the modal to look at the
screen behind it (the status bar keeps the countdown; `c` brings the question back).

The screen as it is answered is exported as SVG and handed to the engine with the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.app.question import PendingQuestion, choice_keys, enter_choice, escape_choice
from tui.app.symbols import duration_text
from tui.app.widgets.chart import number_text
from tui.app.widgets.choice_row import ChoiceRow
from tui.engine.ports import Answer, QuestionKind

KIND_TITLES = {
    QuestionKind.CHECKLIST: "Checklist: confirm before any change",
    QuestionKind.CONFIRM: "Confirm the next step",
    QuestionKind.TYPED: "IRREVERSIBLE: type to confirm",
    QuestionKind.MANUAL: "Your turn: do this by hand",
    QuestionKind.BREACH: "GUARDRAIL BREACHED",
    QuestionKind.PAUSE: "Paused: decide how to go on",
    QuestionKind.PRECONDITION: "Precondition failed",
    QuestionKind.STEP_FAILED: "Step failed",
    QuestionKind.INTERRUPT: "Stop the session?",
    QuestionKind.ROLLBACK: "Roll back now?",
    QuestionKind.BLOCKED: "AWS refused the session: act, then retry",
}
"""The modal's heading for each kind of question."""

DANGER = {QuestionKind.TYPED, QuestionKind.BREACH, QuestionKind.STEP_FAILED, QuestionKind.ROLLBACK}


class QuestionScreen(ModalScreen[None]):
    """Ask one `PendingQuestion`; settle it with the answer and the screen's SVG."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter", "Answer", show=False),
        Binding("escape", "escape", "No", show=False),
        Binding("v", "hide", "Look behind", show=False),
        # q leaves as on the session screen (pause or roll back, asked first), question open or
        # not. Not a priority binding: in a typed confirmation the field takes q as a letter.
        Binding("q", "app.quit_session", "Leave", show=False),
    ]

    def __init__(self, pending: PendingQuestion, who: str, *, replay: bool = False) -> None:
        super().__init__()
        self.pending = pending
        self.question = pending.question
        self.who = who
        self.replay = replay
        self.keys = choice_keys(self.question)
        self._reason_for: str | None = None  # the choice waiting for its reason

    def compose(self) -> ComposeResult:
        """Heading, body, evidence, countdown, input, choices, hint."""
        q = self.question
        with Vertical(id="question", classes="-danger" if q.kind in DANGER else ""):
            heading = KIND_TITLES.get(q.kind, q.kind.value)
            yield Static(
                Text(heading + (f" · {q.step}" if q.step else ""), style="bold"), id="q-kind"
            )
            yield Static(Text(q.title, style="bold"), id="q-title")
            with VerticalScroll(id="q-body"):
                if q.body and q.body.strip() != q.title.strip():
                    yield Static(Markdown(q.body))
                if q.evidence:
                    yield Static(_evidence(q.evidence))
            yield Static(id="q-countdown")
            if q.kind is QuestionKind.TYPED:
                yield Input(placeholder=f"type  {q.expected_text}  to go ahead", id="q-typed")
            yield Input(placeholder="why? (recorded in the audit log)", id="q-reason")
            yield Static(id="q-error")
            with ChoiceRow(id="q-choices"):
                for key, choice_key in self.keys.items():
                    choice = q.choice(choice_key)
                    label = choice.label if choice else choice_key
                    button = Button(
                        Text(f"[{self._key_caption(key, choice_key)}] {label}"),
                        id=f"choice-{choice_key}",
                    )
                    button.can_focus = False  # Enter must mean the question's yes, not a button
                    yield button
            hint = self._hint()
            yield Static(hint, id="q-hint", classes="" if hint else "-empty")

    def _key_caption(self, key: str, choice_key: str) -> str:
        """The key a button names: its letter; but in a typed confirmation letters go into the
        field, so there yes is Enter (submitting what was typed), no is Escape, and any other
        choice is its letter with ctrl."""
        if self.question.kind is QuestionKind.TYPED:
            if choice_key == escape_choice(self.question):
                return "Esc"
            return "Enter" if choice_key == "yes" else f"ctrl+{key}"
        return key

    def on_mount(self) -> None:
        """Focus the typing field when there is one; show the countdown at once."""
        self.query_one("#q-reason").display = False
        self.query_one("#q-error").display = False  # a blank line costs a row at 80×24
        if self.question.kind is QuestionKind.TYPED and not self.replay:
            self.query_one("#q-typed", Input).focus()
        self.query_one("#q-choices").disabled = self.replay
        self.tick(self.app.clock.now())  # type: ignore[attr-defined]

    def _hint(self) -> Text:
        if self.replay:
            return Text("replay: the answer given is shown when it was given", style="dim")
        q = self.question
        if q.kind is QuestionKind.TYPED:  # its buttons name its keys; v is a letter there
            return Text()
        parts = []
        enter, escape = q.choice(enter_choice(q) or ""), q.choice(escape_choice(q) or "")
        if enter:
            parts.append(f"Enter: {enter.label}")
        if escape:
            parts.append(f"Escape: {escape.label}")
        parts.append("v: look at the screen behind · q: leave")
        return Text(" · ".join(parts), style="dim")

    def tick(self, now: datetime) -> None:
        """Redraw the countdown from the engine's clock."""
        if not self.is_mounted:
            return  # pushed a moment ago; on_mount draws the first countdown
        left = self.pending.seconds_left(now)
        try:
            countdown = self.query_one("#q-countdown", Static)
        except NoMatches:  # the app is closing: the modal's widgets went first
            return
        if left is None:
            countdown.display = False
            return
        default = self.question.choice(self.pending.default_choice())
        what = default.label if default else self.pending.default_choice()
        countdown.update(
            Text(f"◷ {what} automatically in {duration_text(left)} unless you answer", style="bold")
        )

    # -- answering ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A choice's letter picks it (typing fields take their own keys first)."""
        if self.replay:
            return
        key = event.key
        if self.question.kind is QuestionKind.TYPED and key.startswith("ctrl+"):
            key = key.removeprefix("ctrl+")  # see _key_caption
            if self.keys.get(key) in ("yes", escape_choice(self.question)):
                return
        elif isinstance(self.focused, Input):
            return
        choice = self.keys.get(key)
        if choice is not None:
            event.stop()
            self.choose(choice)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if not self.replay and event.button.id:
            self.choose(event.button.id.removeprefix("choice-"))

    def action_enter(self) -> None:
        """Enter: the question's yes (a typed confirmation submits instead)."""
        choice = enter_choice(self.question)
        if choice and not self.replay:
            self.choose(choice)

    def action_escape(self) -> None:
        """Escape: no, when the question offers it; else hide the modal."""
        choice = escape_choice(self.question)
        if self.replay:
            return
        if self._reason_for is not None:
            self._reason_for = None
            self.query_one("#q-reason").display = False
            self.query_one("#q-error", Static).display = False
        elif choice:
            self.choose(choice)
        else:
            self.action_hide()

    def action_hide(self) -> None:
        """Close the modal without answering; the status bar keeps asking."""
        if not self.replay:
            self.dismiss()

    def choose(self, key: str, text: str | None = None) -> None:
        """Answer with choice `key` (asking for what must be typed first, if anything)."""
        q = self.question
        choice = q.choice(key)
        if choice is None:
            return
        if q.kind is QuestionKind.TYPED and key == "yes" and text is None:
            self.query_one("#q-typed", Input).focus()
            self._error(f"Type “{q.expected_text}” and press Enter to go ahead.")
            return
        if choice.needs_reason and text is None:
            self._reason_for = key
            reason = self.query_one("#q-reason", Input)
            reason.display = True
            reason.focus()
            self._error(f"Say why you choose “{choice.label}”, then press Enter.")
            return
        self._settle(Answer(key, self.who, text=text))

    @on(Input.Submitted, "#q-typed")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed == (self.question.expected_text or ""):
            self.choose("yes", text=typed)
        else:
            self._error(
                f"That is not “{self.question.expected_text}”. Type it exactly to go ahead, "
                "or press Escape to refuse."
            )

    @on(Input.Submitted, "#q-reason")
    def _reason(self, event: Input.Submitted) -> None:
        if self._reason_for is None:
            return
        if not event.value.strip():
            self._error("A reason is needed: it goes in the audit log.")
            return
        self.choose(self._reason_for, text=event.value.strip())

    def _error(self, message: str) -> None:
        error = self.query_one("#q-error", Static)
        error.update(Text(message, style="bold"))
        error.display = True

    def _settle(self, answer: Answer) -> None:
        svg = self.app.export_screenshot(title=f"turnout: {self.question.title}")
        if self.pending.settle(answer, svg):
            self.dismiss()


def _evidence(evidence: object) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, value in dict(evidence).items():  # type: ignore[call-overload]
        shown = number_text(value) if isinstance(value, float) else str(value)
        table.add_row(str(key), shown)
    return table
