"""Actions that call no AWS API: a person's manual step, a timed wait, an HTTP probe."""

from __future__ import annotations

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

MANUAL = ActionSpec(
    name="manual",
    summary="A person does something outside turnout and confirms it is done.",
    risk=Risk.READ_ONLY,
    args=(
        arg(
            "instructions",
            T.STRING,
            "What to do, in markdown; shown until confirmed.",
            required=True,
        ),
    ),
    operations=(),
    undo="Nothing to undo in AWS; a rollback shows the instructions again so the person can"
    " reverse them.",
)

WAIT = ActionSpec(
    name="wait",
    summary="Wait (bake) while the step's guardrails are watched.",
    risk=Risk.READ_ONLY,
    args=(
        arg("duration", T.DURATION, "How long to wait.", required=True, minimum=1),
        arg("reason", T.STRING, "Why, shown with the countdown.", default=""),
    ),
    operations=(),
    undo="Nothing to undo.",
)

HTTP_PROBE = ActionSpec(
    name="http.probe",
    summary="Request a URL until it answers with the expected status (and text), or give up.",
    risk=Risk.READ_ONLY,
    args=(
        arg("url", T.STRING, "The URL to GET.", required=True, pattern=r"^https?://"),
        arg(
            "expect_status",
            T.INTEGER,
            "The HTTP status that counts as healthy.",
            default=200,
            minimum=100,
            maximum=599,
        ),
        arg("contains", T.STRING, "Text the body must contain (optional)."),
        arg("attempts", T.INTEGER, "How many tries before the step fails.", default=3, minimum=1),
        arg("interval", T.DURATION, "Time between tries.", default=Duration(5), minimum=1),
        arg(
            "timeout", T.DURATION, "Time allowed for each request.", default=Duration(5), minimum=1
        ),
    ),
    operations=(),
    undo="Nothing to undo.",
)

ACTIONS = (MANUAL, WAIT, HTTP_PROBE)
