"""Whole rehearsals through the real engine with the plain operator answering: a person (a
thread reading the captured screen) types each answer into prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from tests.engine.drill import RUNBOOKS, WARM_UP, DrillClock
from tests.rehearsal.world_drill import start_world
from tui.audit.chain import read_log, require_intact
from tui.audit.session_log import SessionLog, file_sha256
from tui.audit.sessiondir import create_session_dir
from tui.aws.clients import ClientFactory
from tui.aws.cloud import AwsCloud
from tui.aws.context import AwsContext
from tui.engine.options import SessionOptions
from tui.engine.recorder import SessionCallRecorder
from tui.engine.session import Session
from tui.plain.front_end import make_plain_operator
from tui.rehearsal import names
from tui.rehearsal.server import FAKE_CREDENTIALS
from tui.runbook.loader import load_runbook

QUESTION = re.compile(r"QUESTION \((\w+)\)")
# (kind, the question's text) -> keys to type; a number: walk away for that many seconds of
# world time without answering; None: say nothing.
Keys = Callable[[str, str], str | float | None]


def rehearse_plain(
    name: str, tmp: Path, scenario: str, answer: Keys, **sets: str
) -> tuple[int, str, Path]:
    """Rehearse shipped runbook `name` with the plain operator; return (exit code, the captured
    stream, the audit log). The session is built as `turnout rehearse` builds it."""
    runbook = load_runbook(RUNBOOKS / f"{name}.yaml", sets)
    world = start_world(scenario)
    clock = DrillClock(world)
    clock.sleep(WARM_UP)
    screen = io.StringIO()
    session_dir = create_session_dir(runbook.name, clock.now(), str(tmp))
    log = SessionLog.create(session_dir, clock)
    recorder = SessionCallRecorder(log)
    clients = ClientFactory(
        region=names.REGION, credentials=dict(FAKE_CREDENTIALS), recorder=recorder
    )
    cloud = AwsCloud(AwsContext(clients, clock, world.http_hosts))
    done = threading.Event()
    try:
        with create_pipe_input() as pipe:
            operator = make_plain_operator(
                Console(file=screen, width=120),
                clock=clock,
                input=pipe,
                output=DummyOutput(),
                who="alice",
                line_mode=True,
                echo_prompts=True,
            )
            person = threading.Thread(
                target=_person, args=(screen, pipe, answer, done, clock), daemon=True
            )
            person.start()
            options = SessionOptions(
                poll=30.0,
                mode="rehearsal",
                scenario=scenario,
                session_dir=str(session_dir),
                runbook_path=runbook.file,
                runbook_sha256=file_sha256(runbook.file),
                argv=("test",),
            )
            code = Session(runbook, cloud, operator, clock, log, options, recorder=recorder).run()
            done.set()
    finally:
        log.close()
        world.stop()
    return int(code), screen.getvalue(), session_dir / "audit.jsonl"


def _person(
    screen: io.StringIO, pipe: object, answer: Keys, done: threading.Event, clock: DrillClock
) -> None:
    """Answer each new question as it appears on the screen."""
    seen = 0
    while not done.is_set():
        text = screen.getvalue()
        found = list(QUESTION.finditer(text))
        for match in found[seen:]:
            if "\n? " not in text[match.start() :]:
                break  # the question is still being printed: answer once its prompt is up
            keys = answer(match[1], text[match.start() :])
            if isinstance(keys, float):
                clock.sleep(keys)
            elif keys is not None:
                pipe.send_text(keys)  # type: ignore[attr-defined]
            seen += 1
        time.sleep(0.01)


def careful_person(kind: str, question: str) -> str | None:
    """Confirms everything, types phrases exactly, and says done to manual steps."""
    listed = "\n    1. yes:" in question.split("\n? ", 1)[0]
    if kind in ("checklist", "confirm"):
        return "yes\r" if listed else "y\r"  # a choice list, or a yes/no prompt (y, Enter)
    if kind == "typed":
        phrase = re.search(r"type exactly: (.+)", question)
        return f"{phrase[1].strip()}\r" if phrase else None
    if kind == "manual":
        return "1\r"
    return None


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def test_a_whole_rds_switchover_rehearsal_confirmed_step_by_step(sessions: Path) -> None:
    code, screen, log = rehearse_plain("rds-blue-green", sessions, "healthy", careful_person)
    assert code == 0, screen[-3000:]
    assert screen.count("QUESTION (checklist)") == 3
    assert "QUESTION (typed) - step switchover" in screen
    assert "ANSWER: yes (Go ahead (type the phrase)) by alice" in screen
    assert re.search(r"switchover  DONE", screen)
    assert "Session ended: exit 0 (completed)" in screen
    # The summary, read back from AWS: the Blue/Green deployment switched over.
    assert re.search(r"AWS now:\s+.*SWITCHOVER_COMPLETED", screen), screen[-2000:]
    assert re.search(r"audit: \S+/audit.jsonl ends at sha256:[0-9a-f]{64}", screen)
    assert "\x1b" not in screen
    records = read_log(log)
    require_intact(records)
    answers = [r for r in records.records if r.type == "confirm.answer"]
    typed = [r for r in answers if r.payload["typed"] == "switch over orders-bgd"]
    assert len(typed) == 1 and typed[0].payload["accepted"], [r.payload for r in answers]
    assert {r.actor for r in answers} == {"alice"}  # who answered, in the audit log


def test_a_breach_nobody_answers_rolls_back_at_the_deadline(sessions: Path) -> None:
    """bad-ami: green answers 5xx, the canary's error guardrail breaches; the person has walked
    away, so the question's 2-minute countdown runs out and the default, rollback, is taken."""

    def away_at_the_breach(kind: str, question: str) -> str | float | None:
        return 150.0 if kind == "breach" else careful_person(kind, question)

    code, screen, log = rehearse_plain(
        "alb-canary", sessions, "bad-ami", away_at_the_breach, bake="1m"
    )
    assert code == 3, screen[-3000:]
    assert "QUESTION (breach) - step canary" in screen
    assert re.search(r'guardrail "green 5xx rate" [0-9.]+ \(max 1\) BREACHED', screen)
    assert "left to answer" in screen  # the countdown, on the world's clock
    assert "NO ANSWER in time: took the default, rollback" in screen
    assert "ROLLBACK STARTED" in screen
    assert "Session ended: exit 3 (rolled back)" in screen
    answers = [r for r in read_log(log).records if r.type == "confirm.answer"]
    timed_out = [r for r in answers if r.payload["answer"] == "timeout"]
    assert len(timed_out) == 1 and timed_out[0].payload["step"] == "canary", [
        (r.payload, r.actor) for r in answers
    ]
