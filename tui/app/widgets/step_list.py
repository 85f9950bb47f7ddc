"""The left column: the checklist, then every step grouped by wave and service, each with its
state as a symbol and a word. Moving the highlight shows that step in the middle."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.model import ChecklistItem, SessionModel, StepView
from tui.app.symbols import STATE_STYLES, STATE_SYMBOLS, STATE_WORDS

CHECKLIST_ID = "checklist"
"""The option that shows the runbook's overview and checklist."""


def step_prompt(view: StepView) -> Text:
    """`▶ canary  running`."""
    style = STATE_STYLES[view.state]
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{STATE_SYMBOLS[view.state]} ", style=style)
    text.append(view.id, style="bold" if view.state.value not in ("pending", "skipped") else "")
    text.append(f"  {STATE_WORDS[view.state]}", style=style)
    return text


def checklist_prompt(items: list[ChecklistItem]) -> Text:
    """`✓ checklist 3/3` (or `○ checklist 1/3`, `✗ checklist: refused`)."""
    done = sum(1 for item in items if item.confirmed)
    refused = any(item.confirmed is False for item in items)
    if refused:
        return Text("✗ checklist  refused", style="bold red")
    symbol, style = ("✓", "green") if done == len(items) else ("○", "")
    return Text(f"{symbol} checklist  {done}/{len(items)} confirmed", style=style)


class StepList(OptionList):
    """The runbook's steps as a list; the highlighted one is shown in the step pane."""

    DEFAULT_CSS = """
    StepList {
        width: 32; height: 1fr; border: round $primary 60%;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(
        self,
        model: SessionModel,
        on_highlight: Callable[[str | None], None] | None = None,
        **kwargs: object,
    ) -> None:
        """`on_highlight(option_id)` is called as the highlight moves (see `watch_highlighted`)."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.model = model
        self.border_title = "Steps"
        self._known: set[str] = set()
        self._on_highlight = on_highlight

    def watch_highlighted(self, highlighted: int | None) -> None:
        """Scroll to the highlight and say so (Textual's message), and call `on_highlight`
        at once. The step pane used to follow the message, which came after the list's own
        repaint: moving through the steps took two frames, the step a frame (17 ms or more)
        after the highlight."""
        super().watch_highlighted(highlighted)
        if self._on_highlight is not None and highlighted is not None:
            option = self.get_option_at_index(highlighted)
            if not option.disabled:
                self._on_highlight(option.id)

    def on_mount(self) -> None:
        """Fill the list from the model (the runbook's plan)."""
        self.rebuild()

    def rebuild(self) -> None:
        """Lay out every group and step again (a step the runbook did not list turned up)."""
        options: list[Option | None] = [
            Option(Text("Overview", style="bold underline"), disabled=True),
            Option(checklist_prompt(self.model.checklist), id=CHECKLIST_ID),
        ]
        for label, views in self.model.groups():
            options.append(Option(Text(label, style="bold underline"), disabled=True))
            options.extend(Option(step_prompt(view), id=view.id) for view in views)
        self._known = set(self.model.steps)
        self.set_options(options)

    def refresh_states(self) -> None:
        """Redraw every prompt with its current state."""
        if set(self.model.steps) != self._known:
            self.rebuild()
            return
        self.replace_option_prompt(CHECKLIST_ID, checklist_prompt(self.model.checklist))
        for view in self.model.steps.values():
            self.replace_option_prompt(view.id, step_prompt(view))

    def follow(self, step_id: str | None) -> None:
        """Highlight `step_id` (the step the session is on)."""
        if step_id is None or step_id not in self._known:
            return
        index = self.get_option_index(step_id)
        if self.highlighted != index:
            self.highlighted = index

    @property
    def shown_id(self) -> str | None:
        """The id of the highlighted option (a step id, or CHECKLIST_ID)."""
        option = self.highlighted_option
        return option.id if option is not None else None
