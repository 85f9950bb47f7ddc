"""The configuration (tui/config.py): flag > TURNOUT_* > config file > default for the sessions
directory, speed, poll interval and lock table; `notify` and `audit` kept as written; a bad file
or variable named with FILE:LINE and the key, exit 2, no traceback; `turnout config` says where
each value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import build_parser
from tui.commands.session_args import apply_config
from tui.config import ConfigError, load_config

GOOD = """\
# my turnout
sessions_dir = "~/drills"
speed = 30
poll = "20s"
lock_table = "prod-leases"

[[notify]]
kind = "slack"
url = "https://hooks.example.com/services/T000/B000/SECRETPART"

[[notify]]
kind = "email"
to = "oncall@example.com"

[audit]
ship_to = "s3://audit-bucket/turnout/"
"""


@pytest.fixture
def config_file(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TURNOUT_CONFIG", str(path))
    return path


def test_without_a_file_every_value_is_the_default(config_file) -> None:
    config = load_config()
    assert not config.file_exists
    assert {name: s.source for name, s in config.settings.items()} == dict.fromkeys(
        ("sessions_dir", "speed", "poll", "lock_table"), "default"
    )
    assert config.value("poll") == "10s" and config.notify == [] and config.audit == {}


def test_the_file_is_read_and_each_value_knows_its_line(config_file) -> None:
    config_file.write_text(GOOD)
    config = load_config()
    assert config.value("sessions_dir") == str(Path("~/drills").expanduser())
    assert config.settings["speed"].value == 30.0
    assert config.settings["speed"].source == f"{config_file}:3"
    assert config.settings["lock_table"].source == f"{config_file}:5"
    assert [t["kind"] for t in config.notify] == ["slack", "email"]
    assert config.audit == {"ship_to": "s3://audit-bucket/turnout/"}


def test_the_environment_beats_the_file_and_a_flag_beats_both(config_file, monkeypatch) -> None:
    config_file.write_text(GOOD)
    monkeypatch.setenv("TURNOUT_POLL", "1m")
    monkeypatch.setenv("TURNOUT_SPEED", "50")
    args = build_parser().parse_args(["rehearse", "alb-canary", "--speed", "70"])
    apply_config(args, rehearsal=True)
    assert args.speed == 70  # the flag
    assert args.poll == "1m" and args.config_sources["poll"] == "$TURNOUT_POLL"
    assert args.sessions_dir == str(Path("~/drills").expanduser())  # the file
    assert args.config_sources["sessions_dir"] == f"{config_file}:2"
    assert args.lock_table is None  # a rehearsal leases in its own world


def test_a_real_session_takes_the_lock_table_and_the_flags_default_when_nothing_is_set(
    config_file,
) -> None:
    config_file.write_text(GOOD)
    args = build_parser().parse_args(["run", "alb-canary"])
    apply_config(args)
    assert args.lock_table == "prod-leases"
    config_file.unlink()
    args = build_parser().parse_args(["run", "alb-canary"])
    apply_config(args)
    assert (args.poll, args.sessions_dir, args.lock_table) == ("10s", None, None)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('poll = "20s"\nspeed = "fast"\n', ":2:1: speed", "expected a number"),
        ('poll = "soon"\n', ":1:1: poll", "not a duration"),
        (
            "speed = 30\nsessions = 'x'\n",
            ':2:1: unknown key "sessions"',
            'did you mean "sessions_dir"',
        ),
        ("speed = 30\npoll = \n", ":2:8: not valid TOML", "Invalid value"),
        ("speed = [30,\n", ":1:", "not valid TOML"),
        ("notify = 'slack'\n", ":1:1: notify", "expected a list"),
        ("[[audit]]\nship_to = 's3://x'\n", ":1:1: audit", "expected a table"),
        ("sessions_dir = 3\n", ":1:1: sessions_dir", "expected a string"),
    ],
)
def test_a_bad_file_names_its_line_and_key_and_exits_2(config_file, turnout, text, where, what):
    config_file.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert f"{config_file}{where}" in str(caught.value) and what in str(caught.value)
    result = turnout("config")
    assert result.code == 2
    assert result.err.startswith(f"turnout: {config_file}{where}") and "Traceback" not in result.err


def test_a_bad_variable_is_named(config_file, monkeypatch, turnout) -> None:
    monkeypatch.setenv("TURNOUT_SPEED", "warp9")
    result = turnout("rehearse", "alb-canary", "--headless")
    assert result.code == 2
    assert "$TURNOUT_SPEED: expected a number" in result.err


def test_a_speed_from_the_file_out_of_range_names_the_file(config_file, turnout) -> None:
    config_file.write_text("speed = 500\n")
    result = turnout("rehearse", "alb-canary", "--headless")
    assert result.code == 2
    assert f"{config_file}:1: speed must be from 0.1 to 100, not 500" in result.err


def test_config_shows_each_value_and_where_it_came_from(config_file, monkeypatch, turnout):
    config_file.write_text(GOOD)
    monkeypatch.setenv("TURNOUT_LOCK_TABLE", "from-env")
    result = turnout("config")
    assert result.code == 0, result.err
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.startswith("  ")}
    assert lines["speed"].split()[1:3] == ["30", f"{config_file}:3"]
    assert lines["lock_table"].split()[1:3] == ["from-env", "$TURNOUT_LOCK_TABLE"]
    assert "2 targets" in lines["notify"]
    assert "SECRETPART" not in result.out  # a webhook's path is its secret
    assert "https://hooks.example.com/…" in result.out
    assert turnout("config", "--path").out.strip() == str(config_file)


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: p.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n"), "nested too deep"),
        (lambda p: p.mkdir(), "a directory"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "not UTF-8"),
        (lambda p: p.write_text('a = "' + "x" * 1_100_000 + '"\n'), "file too large"),
    ],
)
def test_a_hostile_file_is_refused_plainly(config_file, turnout, make, what) -> None:
    make(config_file)
    result = turnout("config")
    assert result.code == 2 and what in result.err and "internal error" not in result.err


def test_a_device_is_refused_without_reading_it(monkeypatch, turnout) -> None:
    monkeypatch.setenv("TURNOUT_CONFIG", "/dev/zero")
    result = turnout("config")
    assert result.code == 2 and "a character device" in result.err
