"""The Overview shows the runbook's description and the params of this run. The old overview
showed neither: the first draw of the description compared equal to "nothing shown yet" and was
skipped, and the params were nowhere, while the checklist said "check the AMI id above"."""

from __future__ import annotations

from tests.app.conftest import run, until
from tests.app.screen_text import screen_text
from tui.app.screens.question import QuestionScreen


def test_the_overview_shows_the_description_and_the_params(drive) -> None:
    d = drive("asg-instance-refresh")

    async def body() -> None:
        async with d.app.run_test(size=(140, 100)) as pilot:
            await until(pilot, lambda: isinstance(d.app.screen, QuestionScreen), what="checklist")
            await pilot.press("v")  # look at the screen behind the question
            await until(pilot, lambda: "Parameters of this run" in screen_text(d.app))
            text = screen_text(d.app)
            assert "Moves every instance of web-asg onto a new AMI" in text  # the description
            assert "ami-0000000000000b002" in text  # the new AMI the checklist asks about

    run(body)
