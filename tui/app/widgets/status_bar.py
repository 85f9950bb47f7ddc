"""The line under the header that says what needs the operator now: a question waiting (with its
countdown), another person's approval awaited, a pause requested, a rollback under way, or how
the session ended."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from tui.app.model import SessionModel
from tui.app.question import PendingQuestion
from tui.app.symbols import duration_text
from tui.exitcodes import ExitCode, outcome_name, outcome_words


def outcome_word(code: int) -> str:
    """`completed`, `rolled back`, …: the exit code in words."""
    outcome = outcome_name(code)
    return f"exit {code}" if outcome == "unknown" else outcome_words(outcome)


def status_text(
    model: SessionModel,
    pending: PendingQuestion | None,
    now: datetime,
    replay: bool,
    where: str = "",
    watch: bool = False,
) -> tuple[Text, str]:
    """What to say, and the CSS class for its urgency (`-ended`, `-alarm`, `-ask`, `-quiet`).
    A replay's line begins with `where` it stands (position, speed, playing or paused);
    `watch` (`turnout watch`): the same, said to an observer, always headed READ-ONLY."""
    if watch:
        text, kind = _watch_status(model, pending, now)
        return Text(" READ-ONLY ", style="bold reverse") + Text(" ") + text, kind
    text, kind = _status_text(model, pending, now, replay)
    if replay and where:
        text = Text.assemble(Text(f"▷ {where}  ", style="bold"), text)
    return text, kind


def _status_text(
    model: SessionModel, pending: PendingQuestion | None, now: datetime, replay: bool
) -> tuple[Text, str]:
    if model.ended is not None:
        end = model.ended
        word = (
            outcome_words(end.end_summary.outcome)
            if end.end_summary
            else outcome_word(end.exit_code)
        )
        text = Text(f"■ SESSION ENDED: {word} (exit {end.exit_code})")
        text.append(f" — {end.summary}" if end.summary else "")
        text.append("   press q to leave" if not replay else "")
        return text, "-ended"
    if pending is not None:
        q = pending.question
        text = Text(f"◆ {'THE OPERATOR WAS ASKED' if replay else 'WAITING FOR YOU'}: {q.title}")
        left = pending.seconds_left(now)
        if left is not None:
            default = q.choice(pending.default_choice())
            what = default.label if default else pending.default_choice()
            text.append(f" — {what} automatically in {duration_text(left)}", style="bold")
        text.append("" if replay else "   press c to answer")
        return text, "-alarm" if left is not None else "-ask"
    if model.approval is not None:
        wait = model.approval
        left = max(0.0, (wait.deadline - now).total_seconds())
        text = Text(f"◆ WAITING FOR ANOTHER PERSON'S APPROVAL ({wait.required} needed)")
        text.append(f" — taken as no in {duration_text(left)}", style="bold")
        text.append(f"   they run: {wait.command}")
        return text, "-ask"
    if model.rolling_back:
        return Text(f"↺ ROLLING BACK: {model.rollback[-1].text}"), "-alarm"
    if model.pause_requested:
        return Text("‖ PAUSE REQUESTED: the session stops at the next safe point"), "-ask"
    if replay:
        return Text("REPLAY of a recorded session: nothing here touches AWS"), "-quiet"
    return Text(""), "-quiet"


def _watch_status(
    model: SessionModel, pending: PendingQuestion | None, now: datetime
) -> tuple[Text, str]:
    """What an observer is told: nothing here asks them anything."""
    if model.ended is not None:
        text, kind = status_text(model, None, now, replay=True)
        paused = model.ended.exit_code == ExitCode.INTERRUPTED  # resumable: it may go on
        return text + Text(
            "   still watching: a resume shows here" if paused else "   q leaves"
        ), kind
    if pending is not None:
        q = pending.question
        text = Text(f"◆ WAITING FOR THE OPERATOR: {q.title}")
        left = pending.seconds_left(now)
        if left is not None:
            default = q.choice(pending.default_choice())
            what = default.label if default else pending.default_choice()
            text.append(f" — {what} automatically in {duration_text(left)}", style="bold")
        text.append("   c shows the question")
        return text, "-alarm" if left is not None else "-ask"
    if model.rolling_back or model.pause_requested:
        return status_text(model, None, now, replay=True)
    if model.started is None:
        return Text("watching: waiting for the session to write its log"), "-quiet"
    return Text("watching the session as its log is written: no key here changes it"), "-quiet"


class StatusBar(Static):
    """Hidden when there is nothing to say."""

    DEFAULT_CSS = """
    StatusBar { height: auto; padding: 0 1; display: none; }
    StatusBar.-ask { display: block; background: $warning 30%; }
    StatusBar.-alarm { display: block; background: $error 50%; text-style: bold; }
    StatusBar.-ended { display: block; background: $accent 40%; text-style: bold; }
    StatusBar.-quiet.-replay { display: block; background: $panel; }
    """

    def show_status(
        self,
        model: SessionModel,
        pending: PendingQuestion | None,
        now: datetime,
        replay: bool = False,
        where: str = "",
        watch: bool = False,
    ) -> None:
        """Redraw for `now`."""
        text, kind = status_text(model, pending, now, replay, where, watch)
        for name in ("-ask", "-alarm", "-ended", "-quiet"):
            self.set_class(name == kind, name)
        self.set_class(replay, "-replay")
        self.update(text)
