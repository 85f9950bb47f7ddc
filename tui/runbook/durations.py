"""Durations written as `30s`, `5m`, `2h` or `1h30m`: an int of seconds that remembers its text."""

from __future__ import annotations

import re

from tui.runbook.numbers import check_digits

_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
# No step, bake or window of an upgrade lasts a month; a longer one is a typo, and one of 30
# digits validated and then overflowed the engine's timedelta mid-run (exit 1).
MAX_SECONDS = 30 * 86400


class Duration(int):
    """A whole number of seconds (so it serialises to JSON as one) that prints as written."""

    text: str

    def __new__(cls, seconds: int, text: str | None = None) -> Duration:
        self = super().__new__(cls, seconds)
        self.text = text or format_seconds(seconds)
        return self

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Duration({int(self)}, {self.text!r})"


def format_seconds(seconds: int) -> str:
    """The shortest of `2h`, `1h30m`, `90s` style that names `seconds` exactly."""
    if seconds == 0:
        return "0s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts)


def parse_duration(text: str) -> Duration:
    """Parse `30s`, `5m`, `2h`, `1h30m`; raise ValueError with a message a person can act on."""
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise ValueError(f'"{text}" is not a duration: write it like 30s, 5m, 2h or 1h30m')
    check_digits(text)
    hours, minutes, secs = (int(match.group(g) or 0) for g in "hms")
    seconds = hours * 3600 + minutes * 60 + secs
    if seconds > MAX_SECONDS:
        raise ValueError(
            f'"{text.strip()}" is longer than turnout waits for anything: at most '
            f"{format_seconds(MAX_SECONDS)} ({MAX_SECONDS // 86400} days)"
        )
    return Duration(seconds, text.strip())
