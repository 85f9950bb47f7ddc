"""How a state looks on screen: a symbol and a word for every step state, never colour alone.

The CSS class lets the stylesheet colour it too, but a reader who cannot tell red from green
still reads `✗ failed` and `✓ done`.
"""

from __future__ import annotations

from tui.engine.ports import StepState

STATE_SYMBOLS: dict[StepState, str] = {
    StepState.PENDING: "○",
    StepState.CHECKING: "◌",
    StepState.WAITING: "◆",
    StepState.RUNNING: "▶",
    StepState.BAKING: "◷",
    StepState.DONE: "✓",
    StepState.FAILED: "✗",
    StepState.ROLLING_BACK: "↺",
    StepState.ROLLED_BACK: "↩",
    StepState.SKIPPED: "–",
}
"""One symbol per state; each is distinct in shape, not just in colour."""

STATE_WORDS: dict[StepState, str] = {
    StepState.PENDING: "pending",
    StepState.CHECKING: "checking",
    StepState.WAITING: "waiting for you",
    StepState.RUNNING: "running",
    StepState.BAKING: "baking",
    StepState.DONE: "done",
    StepState.FAILED: "failed",
    StepState.ROLLING_BACK: "rolling back",
    StepState.ROLLED_BACK: "rolled back",
    StepState.SKIPPED: "skipped",
}
"""The word shown beside each symbol."""

STATE_STYLES: dict[StepState, str] = {
    StepState.PENDING: "dim",
    StepState.CHECKING: "cyan",
    StepState.WAITING: "bold yellow",
    StepState.RUNNING: "bold cyan",
    StepState.BAKING: "cyan",
    StepState.DONE: "green",
    StepState.FAILED: "bold red",
    StepState.ROLLING_BACK: "bold magenta",
    StepState.ROLLED_BACK: "magenta",
    StepState.SKIPPED: "dim",
}
"""Rich styles for the states (colour is a second cue, never the only one)."""

ACTIVE_STATES = frozenset(
    {
        StepState.CHECKING,
        StepState.WAITING,
        StepState.RUNNING,
        StepState.BAKING,
        StepState.ROLLING_BACK,
    }
)
"""States in which a step is the one the session is on."""


def state_label(state: StepState) -> str:
    """`✓ done`: the symbol and the word."""
    return f"{STATE_SYMBOLS[state]} {STATE_WORDS[state]}"


def duration_text(seconds: float) -> str:
    """`1:02:05` or `4:07`: a countdown or an elapsed time, never negative."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
