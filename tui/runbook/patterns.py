"""Regular expressions in runbooks (a param's `pattern:`, an action argument's), matched by RE2.

Python's `re` backtracks: `pattern: "^(a+)+$"` against forty a's and a `!` ran for minutes while
the runbook loaded. RE2 matches in time linear in the text, and refuses what would need
backtracking (backreferences, lookaround) when the pattern is compiled, so a runbook that uses
them is a validation error rather than a hang. turnout's own fixed expressions stay on `re`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_BACKREFERENCE = re.compile(r"invalid escape sequence: \\[1-9]|\(\?P=")


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message names the construct."""


def _reason(exc: Exception, pattern: str) -> str:
    raw = exc.args[0] if exc.args else ""
    reason = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    why = "patterns use RE2 syntax, which matches in linear time"
    if _BACKREFERENCE.search(reason) or "(?P=" in pattern:
        return f"backreferences are not supported: {why} (RE2: {reason})"
    if any(op in reason for op in _LOOKAROUND):
        return f"lookahead and lookbehind are not supported: {why} (RE2: {reason})"
    return f"not a regular expression RE2 can compile: {reason}"


@functools.cache
def _re2() -> tuple[Any, Any]:
    """RE2 and its options, imported at the first pattern (a runbook without one never pays)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print each pattern it cannot compile, beside ours
    return re2, options


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """`pattern` compiled by RE2; raise PatternError saying what it cannot take."""
    re2, options = _re2()
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise PatternError(_reason(exc, pattern)) from None


def matches(pattern: str, value: str) -> bool:
    """True if `pattern` is found anywhere in `value` (as `re.search` would say)."""
    return compile_pattern(pattern).search(value) is not None
