"""The question modal as a person meets it: every choice readable at every size, and the keys it
names are the keys that work (the engine's own questions, not hand-made ones)."""

from __future__ import annotations

import pytest

from tests.app import states
from tests.app.conftest import run, until
from tests.app.screen_text import screen_text
from tui.engine import questions
from tui.engine.steps import step_body


def _canary_confirmation() -> states.SnapshotState:
    state = states.canary_split()
    step = states.runbook("alb-canary").step("canary")
    state.question = questions.confirm(step, step_body(step))
    return state


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@pytest.mark.parametrize(
    "make", [_canary_confirmation, states.irreversible_confirmation], ids=["confirm", "typed"]
)
def test_every_choice_is_on_screen_whole(tmp_path, size, make) -> None:
    state = make()
    app, before = states.build_app(state, tmp_path)

    async def body() -> None:
        async with app.run_test(size=size) as pilot:
            await before(pilot)
            await pilot.pause()
            text = screen_text(app)
            for choice in state.question.choices:
                assert choice.label in text, f"{choice.label!r} cut off at {size}:\n{text}"

    run(body)


def test_in_a_typed_confirmation_letters_type_and_ctrl_picks(tmp_path) -> None:
    state = states.irreversible_confirmation()
    app, before = states.build_app(state, tmp_path)

    async def body() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await before(pilot)
            text = screen_text(app)
            assert "[Esc] Not now" in text and "[ctrl+r] Roll back now" in text
            pending = app.pending
            await pilot.press("r", "n")  # letters go into the field: no answer
            await pilot.pause()
            assert not pending.settled
            await pilot.press("ctrl+r")
            await until(pilot, lambda: pending.settled)
            assert pending.settlement.answer.choice == questions.ROLLBACK

    run(body)
