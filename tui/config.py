"""turnout's configuration: a TOML file in the user's config directory and `TURNOUT_*`
environment variables, a flag beating both (flag > environment > file > default).

    # ~/.config/turnout/config.toml (platformdirs' user config dir; $TURNOUT_CONFIG overrides)
    sessions_dir = "~/turnout/sessions"     # TURNOUT_SESSIONS    --sessions-dir
    speed = 30                              # TURNOUT_SPEED       rehearse --speed
    poll = "10s"                            # TURNOUT_POLL        --poll
    lock_table = "turnout-leases"           # TURNOUT_LOCK_TABLE  --lock-table (real AWS only)

    [[notify]]                              # notification targets, parsed and kept as written
    kind = "slack"
    url = "https://hooks.example/T000"

    [audit]                                 # audit shipping, parsed and kept as written
    ship_to = "s3://audit-bucket/turnout/"

`load_config` reads both and checks every value; a bad one is a `ConfigError` (exit 2) naming
FILE:LINE and the key, or the variable. `Setting.source` says where each value came from, for
`turnout config`. `notify` and `audit` are exposed as plain lists and dicts for the features
that use them; this module only checks their shape.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.errors import InputError, Location

CONFIG_ENV = "TURNOUT_CONFIG"
FILE_NAME = "config.toml"
MAX_CONFIG_BYTES = 1_000_000
"""A config file is a few hundred bytes; /dev/zero or a log named by mistake is refused."""


class ConfigError(InputError):
    """A config file or `TURNOUT_*` variable turnout cannot use (exit 2)."""


@dataclass(frozen=True)
class Key:
    """One scalar setting: its name in the file, its variable, its flag, its kind."""

    name: str
    env: str
    flag: str
    kind: str  # "path", "number", "duration" or "name"
    help: str


KEYS: tuple[Key, ...] = (
    Key("sessions_dir", "TURNOUT_SESSIONS", "--sessions-dir", "path", "where sessions go"),
    Key("speed", "TURNOUT_SPEED", "--speed", "number", "a rehearsal's default speed"),
    Key("poll", "TURNOUT_POLL", "--poll", "duration", "the poll interval"),
    Key("lock_table", "TURNOUT_LOCK_TABLE", "--lock-table", "name", "the DynamoDB lease table"),
)
TABLES = ("notify", "audit")
DEFAULTS: dict[str, Any] = {
    "sessions_dir": "sessions",
    "speed": None,  # 10 when a person answers, 60 headless (tui/commands/rehearse.py)
    "poll": "10s",
    "lock_table": None,  # local lease files in the sessions directory
}


@dataclass(frozen=True)
class Setting:
    """An effective value and where it came from: `default`, `FILE:LINE`, `$NAME`, a flag."""

    value: Any
    source: str


@dataclass(frozen=True)
class Config:
    """The effective configuration before flags (`with_flag` adds one)."""

    path: Path
    file_exists: bool
    settings: dict[str, Setting]
    notify: list[Any] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return self.settings[name].value

    def with_flag(self, name: str, given: Any, flag: str) -> Setting:
        """The setting `name` with a flag's value over it (None: the flag was not given)."""
        return Setting(given, flag) if given is not None else self.settings[name]


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$TURNOUT_CONFIG`, else config.toml in the user's config directory."""
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("turnout", appauthor=False) / FILE_NAME


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read the config file (if there is one) and the environment; raise ConfigError on a bad
    value, naming where it is."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    data, lines = _read(path)
    settings: dict[str, Setting] = {}
    for key in KEYS:
        if env.get(key.env):
            value = _check(key, env[key.env], f"${key.env}", None)
            settings[key.name] = Setting(value, f"${key.env}")
        elif key.name in data:
            line = _line_of(lines, key.name)
            where = Location(str(path), line, 1)
            value = _check(key, data[key.name], key.name, where)
            settings[key.name] = Setting(value, f"{path}:{line}")
        else:
            settings[key.name] = Setting(DEFAULTS[key.name], "default")
    known = {k.name for k in KEYS} | set(TABLES)
    for name in data:
        if name not in known:
            from tui.runbook.problems import did_you_mean

            raise ConfigError(
                f'unknown key "{name}"{did_you_mean(name, sorted(known))}; the keys are '
                f"{', '.join(sorted(known))}",
                location=Location(str(path), _line_of(lines, name), 1),
            )
    notify = data.get("notify", [])
    if not isinstance(notify, list):
        raise ConfigError(
            "notify: expected a list of targets ([[notify]] tables, or notify = [...])",
            location=Location(str(path), _line_of(lines, "notify"), 1),
        )
    audit = data.get("audit", {})
    if not isinstance(audit, dict):
        raise ConfigError(
            "audit: expected a table ([audit] with its keys below it)",
            location=Location(str(path), _line_of(lines, "audit"), 1),
        )
    return Config(path, bool(lines) or path.is_file(), settings, notify, audit)


def _read(path: Path) -> tuple[dict[str, Any], list[str]]:
    from tui.runbook.bounded_read import FileRefused, read_bounded_text

    try:
        text = read_bounded_text(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return {}, []
    except FileRefused as exc:
        reason = exc.message.split(":")[0]
        raise ConfigError(f"{path}: not a config file turnout reads ({reason})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:  # arrays nested thousands deep: tomllib recurses per level
        raise ConfigError(
            "not valid TOML for turnout: nested too deep", location=Location(str(path), 1, 1)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if found:
            line, column = int(found[1]), int(found[2])
        else:  # "at end of document": an unclosed bracket or string
            ends = text.splitlines() or [""]
            line, column = len(ends), len(ends[-1]) + 1
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError(
            f"not valid TOML: {reason}", location=Location(str(path), line, column)
        ) from None
    return data, text.splitlines()


def _line_of(lines: list[str], name: str) -> int:
    """The line a top-level key (or [table] / [[table]]) is on, for messages."""
    pattern = re.compile(
        rf"^\s*(?:{re.escape(name)}\s*=|\[\[?\s*{re.escape(name)}\s*\]\]?)", re.IGNORECASE
    )
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("[") and not pattern.match(line):
            break  # past the top level: a key of another table
        if pattern.match(line):
            return number
    for number, line in enumerate(lines, start=1):  # a [table] after other tables
        if pattern.match(line):
            return number
    return 1


def _check(key: Key, value: Any, what: str, where: Location | None) -> Any:
    """The value of `key` as turnout uses it, or ConfigError saying what to write."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{what}: {expected}, not {value!r}", location=where)

    if key.kind == "number":
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number != number:  # nan is not a speed
            raise bad("expected a number such as 30 (times faster than real time)")
        return number
    if not isinstance(value, str) or not value.strip():
        raise bad("expected a string" + (' such as "10s"' if key.kind == "duration" else ""))
    if key.kind == "duration":
        from tui.runbook.durations import parse_duration

        try:
            parse_duration(value)
        except ValueError as exc:
            raise ConfigError(f"{what}: {exc}", location=where) from None
    if key.kind == "path":
        return str(Path(value).expanduser())
    return value
