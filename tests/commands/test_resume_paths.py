"""`turnout resume` finds the session's runbook from any working directory: new logs store
its absolute path; an older log's relative path is looked for from the directory that held
`sessions/`; otherwise the error says to pass `--runbook`."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from tests.conftest import CANARY
from tests.engine.fakes import FakeCloud
from tui.audit.resume import resume_state
from tui.audit.session_log import SessionLog
from tui.cli import main
from tui.clock import ManualClock
from tui.commands.session_flow import SessionRequest, open_session
from tui.engine.options import SessionOptions
from tui.errors import InputError
from tui.runbook.loader import load_runbook

START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory holding the runbook and `sessions/`, and another one to be in."""
    (tmp_path / "project").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "project" / "canary.yaml").write_text(CANARY)
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path


def _old_log(project, path: str) -> SessionLog:
    """A log as turnout wrote it before paths were absolute: the path as typed."""
    session = project / "project" / "sessions" / "20260101T090000Z-test-canary"
    session.mkdir(parents=True)
    log = SessionLog.create(session, ManualClock(START))
    log.session_start(
        runbook_path=path,
        runbook_name="test-canary",
        params={},
        mode="real",
        region="us-east-1",
        runbook_sha256="0" * 64,
    )
    return log


def test_a_new_session_stores_the_runbook_path_absolute(project, monkeypatch):
    fake = FakeCloud()
    fake.reads["healthy_targets"] = 2
    fake.metrics["ErrorRate"] = lambda t: 0.1
    outcome = open_session(
        SessionRequest(
            load_runbook("canary.yaml"),  # relative, as typed on the command line
            clock=ManualClock(START),
            make_cloud=lambda recorder: fake,
            sessions_dir="sessions",
            options=SessionOptions(poll=10),
            auto_approve=True,
            console=Console(file=io.StringIO()),
        )
    )
    from tui.engine.resuming import session_runbook

    session_dir = outcome.session_dir.resolve()
    monkeypatch.chdir(project / "elsewhere")
    state = resume_state(session_dir)
    logged = state.fold.start.payload["runbook"]["path"]
    assert logged == str(project / "project" / "canary.yaml")
    assert session_runbook(state) == project / "project" / "canary.yaml"


def test_resume_from_another_directory_gets_past_the_runbook(project, monkeypatch, capsys):
    log = _old_log(project, "canary.yaml")
    log.session_end(0, reason="completed")
    log.close()
    monkeypatch.chdir(project / "elsewhere")
    code = main(["resume", str(project / "project" / "sessions" / "20260101T090000Z-test-canary")])
    assert code == 2
    err = capsys.readouterr().err
    # the runbook was found (the old code stopped here: "canary.yaml is not there any more")
    assert "not there any more" not in err and "already ended" in err


def test_an_old_relative_path_not_found_says_to_pass_runbook(project, monkeypatch):
    from tui.engine.resuming import session_runbook

    _old_log(project, "gone/canary.yaml").close()
    monkeypatch.chdir(project / "elsewhere")
    state = resume_state(project / "project" / "sessions" / "20260101T090000Z-test-canary")
    with pytest.raises(InputError, match="--runbook PATH"):
        session_runbook(state)
    given = str(project / "project" / "canary.yaml")
    assert session_runbook(state, given) == project / "project" / "canary.yaml"
    with pytest.raises(InputError, match="no such file"):
        session_runbook(state, "nope.yaml")
