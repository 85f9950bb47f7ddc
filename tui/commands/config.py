"""`turnout config`: the effective configuration and where each value came from (the config
file, a `TURNOUT_*` variable, or the default: tui/config.py). A flag given to a command beats
all three; this command has none, so it shows what a command gets when no flag is given."""

from __future__ import annotations

import argparse
import re
from typing import Any

from tui.exitcodes import ExitCode

_UNSET = {
    "speed": "10 when a person answers, 60 with --headless",
    "lock_table": "none: lease files in the sessions directory",
}
_URL = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#]+)[/?#].*$", re.IGNORECASE)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `turnout config`."""
    config = subparsers.add_parser(
        "config",
        help="show the effective configuration and where each value came from",
        description="Show each setting's effective value and its source: the config file "
        "(FILE:LINE), a TURNOUT_* environment variable, or the default. A command's flag "
        "beats all three (flag > environment > file). The file is config.toml in the user's "
        "config directory, or $TURNOUT_CONFIG; docs/toolbelt.md lists its keys.",
    )
    config.add_argument("--path", action="store_true", help="print the config file's path only")
    config.set_defaults(handler=run_config)


def _shown(value: Any) -> Any:
    """A target as shown: secret-looking keys redacted, a URL cut to its host (a webhook's
    path is its secret)."""
    from tui.audit.redact import redact

    def cut(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: cut(v) for k, v in item.items()}
        if isinstance(item, list):
            return [cut(v) for v in item]
        if isinstance(item, str):
            return _URL.sub(r"\1/…", item)
        return item

    return cut(redact(value))


def run_config(args: argparse.Namespace) -> int:
    """Print `KEY  VALUE  SOURCE` per setting, then the notify targets and audit shipping."""
    from tui.config import KEYS, load_config

    config = load_config()
    if args.path:
        print(config.path)
        return ExitCode.COMPLETED
    state = "" if config.file_exists else " (not found: nothing is read from a file)"
    print(f"config file: {config.path}{state}")
    width = max(len(k.name) for k in KEYS) + 2
    rows = []
    for key in KEYS:
        setting = config.settings[key.name]
        value = setting.value if setting.value is not None else f"({_UNSET[key.name]})"
        if key.name == "speed" and setting.value is not None:
            value = f"{setting.value:g}"
        rows.append((key, str(value), setting.source))
    value_width = max(len(v) for _, v, _ in rows) + 2
    for key, value, source in rows:
        print(f"  {key.name:<{width}}{value:<{value_width}}{source}  ({key.flag}, ${key.env})")
    notify = _shown(config.notify)
    print(f"  {'notify':<{width}}{len(notify)} target{'' if len(notify) == 1 else 's'}")
    for target in notify:
        print(f"    - {target}")
    audit = _shown(config.audit)
    print(f"  {'audit':<{width}}{audit if audit else '(no shipping)'}")
    return ExitCode.COMPLETED
