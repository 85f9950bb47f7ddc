"""Secret params: which names look secret, and the one masker that hides their values.

A param is secret when the runbook declares it `secret: true`, or when its name looks secret
(`is_secret_key`, the rule the audit log's `redact()` also applies to keys). `secret: false`
says a secret-looking name is not one (`max_tokens: 5`).

Every secret value the process has loaded joins `SECRETS`, the process's masker. Text leaving
the process goes through it: each audit record before it is hashed (tui/audit/writer.py), what
the engine tells and asks front ends (tui/engine/masked.py), and stdout/stderr of every command
(tui/cli.py). It replaces each value wherever it appears as a substring, longest first, with
`MASK`. The real value stays only in the runbook objects the engine hands to AWS.

A secret shorter than `MIN_SECRET_LENGTH` is refused when the runbook loads: masking "abc"
inside every word would wreck the output and still leave the value guessable.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "••••••"
"""What a secret value becomes wherever it would be written or shown."""

MIN_SECRET_LENGTH = 6

SECRET_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "cookie",
    "userdata",
    "sessionkey",
    "signature",
    "connectionstring",
)
_EXACT_SECRET_KEYS = frozenset({"auth", "pwd", "keymaterial"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalise_key(key: str) -> str:
    """A key as it is matched: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", key.lower())


def is_secret_key(key: object) -> bool:
    """Whether a mapping key (or the name in a name/value pair) looks like it holds a secret."""
    return isinstance(key, str) and _is_secret_text(key)


@functools.lru_cache(maxsize=4096)  # the same few hundred keys recur in every record
def _is_secret_text(key: str) -> bool:
    flat = normalise_key(key)
    return flat in _EXACT_SECRET_KEYS or any(word in flat for word in SECRET_WORDS)


def spellings(value: str) -> set[str]:
    """`value` and the forms it takes once escaped for JSON, HTML or a Python repr, so that a
    value written inside `plan --json`, a report or a quoted message is still found."""
    import html  # here: `turnout validate` of a runbook without secrets never needs them
    import json

    forms = {value, html.escape(value), html.escape(value, quote=False), repr(value)[1:-1]}
    forms.add(json.dumps(value)[1:-1])
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    return forms


class Masker:
    """Replaces known secret values with `MASK` in text and in JSON-like data. Thread-safe:
    values may be added while another thread masks."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        """Mask these values too (empty ones are ignored)."""
        new = {form for v in values if v for form in spellings(v) if form}
        with self._lock:
            if new <= self._values:
                return
            self._values = self._values | new
            # Longest first, so a secret that contains another is masked whole.
            ordered = sorted(self._values, key=lambda v: (-len(v), v))
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        """`text` with every secret value replaced by `MASK`."""
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(MASK, text)

    def data(self, value: Any) -> Any:
        """`value` with every string in it masked: mappings (keys too), sequences and frozen
        dataclasses (copied with `replace`). Objects with nothing to mask come back as they are."""
        if self._pattern is None:
            return value
        return self._data(value)

    def _data(self, value: Any) -> Any:
        if isinstance(value, str):
            masked = self.text(value)
            return value if masked == value else masked
        if isinstance(value, Mapping):
            items = {self._data(k): self._data(v) for k, v in value.items()}
            same = len(items) == len(value) and all(
                k in value and items[k] is value[k] for k in items
            )
            return value if same else items
        if isinstance(value, list | tuple):
            items = [self._data(v) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            if hasattr(value, "_fields"):  # a NamedTuple
                return type(value)(*items)
            return type(value)(items) if type(value) in (list, tuple) else items
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for field in dataclasses.fields(value):
                if not field.init:
                    continue
                old = getattr(value, field.name)
                new = self._data(old)
                if new is not old:
                    changes[field.name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value


SECRETS = Masker()
"""The process's masker: every secret value of every runbook loaded so far."""


def secret_text(value: Any) -> list[str]:
    """The texts a param value can be written as: the whole and, for lists and mappings, each
    part (a secret list item substituted alone is still secret)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, list):
        return [t for item in value for t in secret_text(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in secret_text(item)]
    return [str(value)]


class MaskedStream:
    """A text stream whose writes go through a masker first: the command line puts stdout and
    stderr behind it, so nothing a command prints can show a secret value it has loaded."""

    def __init__(self, stream: Any, masker: Masker = SECRETS) -> None:
        self._stream = stream
        self._masker = masker

    def write(self, text: str) -> int:
        self._stream.write(self._masker.text(text))
        return len(text)  # what the caller gave, as TextIO promises

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    @property
    def wrapped(self) -> Any:
        """The stream written to."""
        return self._stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, fileno, isatty, encoding...
