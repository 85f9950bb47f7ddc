"""Secrets never reach the log: values under secret-looking keys are replaced, at any depth.

A key is secret-looking when, lower-cased with everything but letters and digits removed, it
contains one of `SECRET_WORDS` (so `MasterUserPassword`, `db_password`, `X-Auth-Token`,
`SecretAccessKey`, `UserData`, `client_secret` all match; the rule lives in
tui/runbook/secrets.py, which also decides which params are secret). The whole value under
such a key is replaced, whatever its type, because a nested structure under `Credentials` is
as secret as a string.

AWS and ECS also carry secrets as name/value pairs (`{"Name": "DB_PASSWORD", "Value": "…"}` in
ECS environments, `{"Key": "token", "Value": "…"}` in tags, `ParameterKey`/`ParameterValue` in
CloudFormation): when a mapping's name-like member names a secret, its value-like member is
replaced too. PEM private keys are replaced wherever they appear, whatever their key.

Over-redaction is the safe side: a pagination `NextToken` is hidden along with real tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tui.runbook.secrets import SECRET_WORDS, is_secret_key, normalise_key

__all__ = ["REDACTED", "SECRET_WORDS", "is_secret_key", "normalise_key", "redact"]

REDACTED = "[REDACTED]"
"""What a secret value becomes in the log."""

_NAME_KEYS = ("name", "key", "parameterkey")
_VALUE_KEYS = ("value", "parametervalue", "secretvalue")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def redact(value: Any) -> Any:
    """A copy of `value` with every secret replaced by `REDACTED`; the input is not changed."""
    if isinstance(value, Mapping):
        return _redact_mapping(value)
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str) and _PRIVATE_KEY.search(value):
        return REDACTED
    return value


def _redact_mapping(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    names = {normalise_key(k): v for k, v in mapping.items() if isinstance(k, str)}
    pair_is_secret = any(
        is_secret_key(names.get(name_key)) for name_key in _NAME_KEYS if name_key in names
    )
    result: dict[Any, Any] = {}
    for key, item in mapping.items():
        secret = is_secret_key(key) or (
            pair_is_secret and isinstance(key, str) and normalise_key(key) in _VALUE_KEYS
        )
        result[key] = REDACTED if secret else redact(item)
    return result
