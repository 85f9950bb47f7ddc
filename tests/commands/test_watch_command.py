"""`turnout watch` as a person types it: what it refuses, and how."""

from __future__ import annotations

import socket

from tests.app.growing_log import record_canary
from tui.cli import main


def test_a_session_that_is_not_there_is_refused(tmp_path, capsys) -> None:
    assert main(["watch", str(tmp_path / "nothing")]) == 2
    assert "no session here" in capsys.readouterr().err


def test_the_terminal_screen_needs_a_terminal_and_says_what_else(tmp_path, capsys) -> None:
    record_canary(tmp_path)
    assert main(["watch", str(tmp_path)]) == 2  # pytest's stdout is not a terminal
    err = capsys.readouterr().err
    assert "needs a terminal" in err and "--serve" in err


def test_a_session_is_found_by_name_under_the_sessions_directory(
    tmp_path, monkeypatch, capsys
) -> None:
    session = tmp_path / "sessions" / "20260314T090000Z-alb-canary"
    session.mkdir(parents=True)
    record_canary(session)
    monkeypatch.delenv("TURNOUT_SESSIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["watch", "20260314T090000Z-alb-canary"]) == 2  # found: then, no terminal
    assert "needs a terminal" in capsys.readouterr().err


def test_an_edited_log_is_refused_before_anything_is_shown(tmp_path, capsys) -> None:
    record_canary(tmp_path)
    log = tmp_path / "audit.jsonl"
    log.write_text(log.read_text().replace("drain-delay", "drain-delaX", 1))
    assert main(["watch", str(tmp_path), "--serve"]) == 2
    assert "edited" in capsys.readouterr().err


def test_serving_flags_are_checked(tmp_path, capsys) -> None:
    record_canary(tmp_path)
    assert main(["watch", str(tmp_path), "--port", "8080"]) == 2
    assert "go with --serve" in capsys.readouterr().err
    assert main(["watch", str(tmp_path), "--serve", "--port", "70000"]) == 2
    assert "1 to 65535" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["watch", str(tmp_path), "--serve", "--port", str(port)]) == 2
    assert "cannot listen there" in capsys.readouterr().err
